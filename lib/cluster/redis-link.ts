import "server-only";
import { createHash } from "node:crypto";
import { Redis, type RedisOptions } from "ioredis";

/** The one connection to Redis of this process, failing fast: a command never waits for a Redis that does not answer (docs/deployment.md). */

export class RedisUnavailableError extends Error {
  constructor(cause?: unknown) {
    super("Redis is unreachable", { cause });
    this.name = "RedisUnavailableError";
  }
}

export interface RedisLinkOptions {
  url: string;
  /** Namespaces every key and channel: instances of one N-sight account share, other accounts on the same Redis do not. */
  account: string;
  /** A command not answered within this is a failure (Redis frozen or the network gone). */
  commandTimeoutMs?: number;
  /** While down, how often to try Redis again. */
  probeEveryMs?: number;
  onChange?: (up: boolean) => void;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 1_000;
const DEFAULT_PROBE_MS = 1_000;

/** A key prefix from the account (server and key), never the key itself; the braces keep one account's keys in one Redis Cluster slot. */
export function accountPrefix(account: string): string {
  return `nsbd:{${createHash("sha256").update(account).digest("hex").slice(0, 16)}}:`;
}

export class RedisLink {
  readonly prefix: string;
  private readonly command: Redis;
  private subscriber: Redis | null = null;
  private readonly handlers = new Map<string, Set<(message: string) => void>>();
  private readonly listeners = new Set<(up: boolean) => void>();
  private isUp = false;
  private probe: ReturnType<typeof setInterval> | null = null;
  private closed = false;

  constructor(private readonly options: RedisLinkOptions) {
    this.prefix = accountPrefix(options.account);
    if (options.onChange) this.listeners.add(options.onChange);
    this.command = new Redis(options.url, this.connectionOptions());
    this.command.on("ready", () => void this.check());
    this.command.on("close", () => this.setUp(false));
    // Errors are seen through `up` and the commands that fail; an unhandled "error" event would end the process.
    this.command.on("error", () => undefined);
    this.probe = setInterval(() => void this.check(), options.probeEveryMs ?? DEFAULT_PROBE_MS);
    this.probe.unref?.();
  }

  /** Whether Redis answered the last command or probe. */
  get up(): boolean {
    return this.isUp;
  }

  key(name: string): string {
    return this.prefix + name;
  }

  onChange(listener: (up: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs commands on the shared connection; any failure marks Redis down and is thrown as RedisUnavailableError. */
  async run<T>(work: (redis: Redis) => Promise<T>): Promise<T> {
    if (this.closed) throw new RedisUnavailableError();
    try {
      const result = await work(this.command);
      this.setUp(true);
      return result;
    } catch (error) {
      if (isScriptError(error)) throw error;
      this.setUp(false);
      throw new RedisUnavailableError(error);
    }
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.run((redis) => redis.publish(this.key(channel), message));
  }

  /** Messages on `channel` (namespaced) until the returned function is called; resubscribed after reconnects. */
  subscribe(channel: string, handler: (message: string) => void): () => void {
    const full = this.key(channel);
    let set = this.handlers.get(full);
    if (!set) {
      set = new Set();
      this.handlers.set(full, set);
      this.subscriberConnection().subscribe(full).catch(() => undefined);
    }
    set.add(handler);
    return () => {
      const current = this.handlers.get(full);
      if (!current) return;
      current.delete(handler);
      if (current.size === 0) {
        this.handlers.delete(full);
        this.subscriber?.unsubscribe(full).catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.probe) clearInterval(this.probe);
    this.probe = null;
    this.setUp(false);
    this.command.disconnect();
    this.subscriber?.disconnect();
  }

  private subscriberConnection(): Redis {
    if (!this.subscriber) {
      const subscriber = new Redis(this.options.url, { ...this.connectionOptions(), enableOfflineQueue: true });
      subscriber.on("error", () => undefined);
      subscriber.on("message", (channel: string, message: string) => {
        for (const handler of this.handlers.get(channel) ?? []) {
          try {
            handler(message);
          } catch {
            // One handler's fault must not keep the message from the others.
          }
        }
      });
      this.subscriber = subscriber;
    }
    return this.subscriber;
  }

  private connectionOptions(): RedisOptions {
    const timeout = this.options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    return {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: timeout,
      connectTimeout: timeout,
      // Keep trying, never faster than twice a second: Redis coming back is noticed within a second or two.
      retryStrategy: (times) => Math.min(500 * times, 2_000),
      lazyConnect: false,
    };
  }

  private async check(): Promise<void> {
    if (this.closed) return;
    try {
      await this.command.ping();
      this.setUp(true);
    } catch {
      this.setUp(false);
    }
  }

  private setUp(up: boolean): void {
    if (this.isUp === up) return;
    this.isUp = up;
    for (const listener of this.listeners) listener(up);
  }
}

/** A script's own error (a bug, not an outage) is thrown as is. */
function isScriptError(error: unknown): boolean {
  return error instanceof Error && /^(ERR|NOSCRIPT|WRONGTYPE)/.test(error.message) && !/timed out/i.test(error.message);
}
