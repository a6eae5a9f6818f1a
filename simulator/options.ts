/** The simulator's knobs: one table serves the CLI flags, the SIM_… variables and the control API. */
import { MAX_DEVICES } from "./fleet";
import { DEFAULT_DEVICES, DEFAULT_SEED } from "./scenarios";
import { assertTimeZone } from "./time";

export interface SimulatorOptions {
  port: number;
  host: string;
  key: string;
  seed: number;
  devices: number;
  now: string | null;
  /** IANA zone of the territory, for `created` (N-sight's US server: America/Chicago). */
  timezone: string;
  latencyMs: number;
  /** Share of answers replaced by an HTTP error or a `status="FAIL"` without an errorcode. */
  errorRate: number;
  errorStatus: number;
  resetRate: number;
  hangRate: number;
  /** HTTP 429 beyond this many calls in the trailing 60 s; 0 = no limit. */
  throttlePerMinute: number;
  throttleRate: number;
  outage: boolean;
  malformedRate: number;
  truncateRate: number;
  /** null = no control API; 0 (here and for `port`) = any free port. */
  controlPort: number | null;
  unknownServiceCode: number;
  /** N-sight's real value, like that of unknownServiceCode, was never captured. */
  retryAfterSeconds: number;
}

export const DEFAULT_OPTIONS: Readonly<SimulatorOptions> = Object.freeze({
  port: 4010,
  host: "127.0.0.1",
  key: "sim-demo-key",
  seed: DEFAULT_SEED,
  devices: DEFAULT_DEVICES,
  now: null,
  timezone: "America/Chicago",
  latencyMs: 0,
  errorRate: 0,
  errorStatus: 500,
  resetRate: 0,
  hangRate: 0,
  throttlePerMinute: 0,
  throttleRate: 0,
  outage: false,
  malformedRate: 0,
  truncateRate: 0,
  controlPort: null,
  unknownServiceCode: 1,
  retryAfterSeconds: 30,
});

type KnobName = keyof SimulatorOptions;

type Kind =
  | { type: "int"; min: number; max: number; nullable?: boolean; oneOf?: readonly number[] }
  | { type: "number"; min: number; max: number }
  | { type: "string"; nonEmpty: boolean }
  | { type: "boolean" }
  | { type: "time" }
  | { type: "timezone" };

const rate: Kind = { type: "number", min: 0, max: 1 };

const KINDS: Record<KnobName, Kind> = {
  port: { type: "int", min: 0, max: 65535 },
  host: { type: "string", nonEmpty: true },
  key: { type: "string", nonEmpty: true },
  seed: { type: "int", min: 0, max: 0xffffffff },
  devices: { type: "int", min: 1, max: MAX_DEVICES },
  now: { type: "time" },
  timezone: { type: "timezone" },
  latencyMs: { type: "number", min: 0, max: 600_000 },
  errorRate: rate,
  errorStatus: { type: "int", min: 500, max: 503, oneOf: [500, 503] },
  resetRate: rate,
  hangRate: rate,
  throttlePerMinute: { type: "int", min: 0, max: 1_000_000 },
  throttleRate: rate,
  outage: { type: "boolean" },
  malformedRate: rate,
  truncateRate: rate,
  controlPort: { type: "int", min: 0, max: 65535, nullable: true },
  unknownServiceCode: { type: "int", min: 0, max: 999 },
  retryAfterSeconds: { type: "int", min: 0, max: 3_600 },
};

const KNOB_NAMES = Object.keys(KINDS) as KnobName[];

// The control API cannot move itself.
export const START_ONLY_KNOBS: ReadonlySet<KnobName> = new Set(["controlPort"]);

export function flagName(knob: KnobName): string {
  return `--${knob.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

export function envName(knob: KnobName): string {
  return `SIM_${knob.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

export class OptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OptionError";
  }
}

function isKnob(name: string): name is KnobName {
  return Object.prototype.hasOwnProperty.call(KINDS, name);
}

function coerceKnob(name: string, value: unknown): SimulatorOptions[KnobName] {
  if (!isKnob(name)) throw new OptionError(`Unknown option: ${name}`);
  const kind = KINDS[name];
  const bad = (why: string) => new OptionError(`Invalid ${name}: ${why}`);
  switch (kind.type) {
    case "int":
    case "number": {
      if (kind.type === "int" && kind.nullable && (value === null || value === "" || value === "none")) return null;
      const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
      if (!Number.isFinite(n)) throw bad("not a number");
      if (kind.type === "int" && !Number.isInteger(n)) throw bad("not an integer");
      if (n < kind.min || n > kind.max) throw bad(`must be between ${kind.min} and ${kind.max}`);
      if (kind.type === "int" && kind.oneOf && !kind.oneOf.includes(n)) throw bad(`must be one of ${kind.oneOf.join(", ")}`);
      return n;
    }
    case "string":
      if (typeof value !== "string") throw bad("not a string");
      if (kind.nonEmpty && value.trim() === "") throw bad("must not be empty");
      return value;
    case "boolean":
      if (typeof value === "boolean") return value;
      if (value === "true" || value === "1" || value === "on" || value === "") return true;
      if (value === "false" || value === "0" || value === "off") return false;
      throw bad("not a boolean");
    case "time": {
      if (value === null || value === "" || value === "real") return null;
      if (typeof value !== "string" || Number.isNaN(Date.parse(value))) throw bad("not an ISO 8601 time");
      return new Date(Date.parse(value)).toISOString();
    }
    case "timezone":
      if (typeof value !== "string" || value === "") throw bad("not a time zone");
      try {
        assertTimeZone(value);
      } catch {
        throw bad(`unknown IANA time zone ${JSON.stringify(value)}`);
      }
      return value;
  }
}

export function coerceKnobs(input: Record<string, unknown>): Partial<SimulatorOptions> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined) continue;
    out[name] = coerceKnob(name, value);
  }
  return out as Partial<SimulatorOptions>;
}

export function resolveOptions(partial: Partial<SimulatorOptions> = {}): SimulatorOptions {
  return { ...DEFAULT_OPTIONS, ...coerceKnobs(partial as Record<string, unknown>) };
}

export function optionsFromEnv(env: Readonly<Record<string, string | undefined>>): Partial<SimulatorOptions> {
  const raw: Record<string, unknown> = {};
  for (const knob of KNOB_NAMES) {
    const value = env[envName(knob)];
    if (value !== undefined) raw[knob] = value;
  }
  return coerceKnobs(raw);
}

/** `--flag value`, `--flag=value` and a bare boolean `--outage`. */
export function optionsFromArgs(argv: readonly string[]): { options: Partial<SimulatorOptions>; help: boolean } {
  const byFlag = new Map(KNOB_NAMES.map((k) => [flagName(k), k] as const));
  const raw: Record<string, unknown> = {};
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const knob = byFlag.get(flag);
    if (!knob) throw new OptionError(`Unknown argument: ${arg}`);
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (KINDS[knob].type === "boolean" && (argv[i + 1] === undefined || (argv[i + 1] as string).startsWith("--"))) value = "true";
    else {
      const next = argv[i + 1];
      if (next === undefined) throw new OptionError(`${flag} needs a value`);
      value = next;
      i++;
    }
    raw[knob] = value;
  }
  return { options: coerceKnobs(raw), help };
}

export function usage(): string {
  const lines = KNOB_NAMES.map((k) => {
    const d = DEFAULT_OPTIONS[k];
    return `  ${flagName(k).padEnd(24)} ${envName(k).padEnd(26)} default ${d === null ? "(none)" : JSON.stringify(d)}`;
  });
  return ["Usage: tsx simulator/main.ts [options]   (flags override SIM_… env variables)", "", ...lines, ""].join("\n");
}
