import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A real OpenID Provider (the certified oidc-provider package) on loopback, for tests of
 * single sign-on: no login page, the interaction signs in whichever test account the test
 * chose and grants at once, and the ID token carries every claim (roles included).
 */
export interface TestAccount {
  sub: string;
  email?: string;
  name?: string;
  /** What the provider puts in the `roles` claim: a list, a string or nothing. */
  roles?: unknown;
}

export interface TestProvider {
  issuer: string;
  /** The account the next interaction signs in. */
  signInAs(account: TestAccount): void;
  /** Shifts the provider's clock while it issues tokens (negative: tokens issued in the past). */
  setClockOffsetSeconds(seconds: number): void;
  /** While down, every connection is dropped, as if the provider were unreachable. */
  setDown(down: boolean): void;
  stop(): Promise<void>;
}

export interface TestProviderOptions {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** ID token lifetime in seconds. */
  idTokenTtl?: number;
}

interface ProviderLike {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  use(middleware: (ctx: { path: string }, next: () => Promise<void>) => Promise<void>): void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<{ params: Record<string, unknown>; prompt: { name: string } }>;
  interactionFinished(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
  Grant: new (properties: { accountId: string; clientId: string }) => { addOIDCScope(scope: string): void; save(): Promise<string> };
}

export async function startTestProvider(options: TestProviderOptions): Promise<TestProvider> {
  // oidc-provider is ESM only and warns once on Node 20 ("use Node 22"), which is harmless here.
  const { default: Provider } = (await import("oidc-provider")) as unknown as { default: new (issuer: string, configuration: Record<string, unknown>) => ProviderLike };
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  let down = false;
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    if (down) {
      req.socket.destroy();
      return;
    }
    handler(req, res);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const accounts = new Map<string, TestAccount>();
  let current: TestAccount | null = null;
  let clockOffsetMs = 0;
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: "jwk" }), kid: randomBytes(8).toString("hex"), use: "sig", alg: "RS256" }] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    features: { devInteractions: { enabled: false } },
    claims: { openid: ["sub", "roles"], email: ["email", "email_verified"], profile: ["name", "preferred_username"] },
    // Entra puts app roles in the ID token whatever the scope; so does this provider.
    conformIdTokenClaims: false,
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: options.idTokenTtl ?? 600, Interaction: 600, Session: 3_600, Grant: 3_600 },
    async findAccount(_ctx: unknown, id: string) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: id, email: account.email, email_verified: Boolean(account.email), name: account.name, preferred_username: account.email, roles: account.roles }),
      };
    },
  });
  provider.use(async (ctx, next) => {
    if (ctx.path !== "/token" || clockOffsetMs === 0) return next();
    const realNow = Date.now;
    Date.now = () => realNow() + clockOffsetMs;
    try {
      await next();
    } finally {
      Date.now = realNow;
    }
  });
  const providerCallback = provider.callback();

  handler = (req, res) => {
    if (!req.url?.startsWith("/interaction/")) return providerCallback(req, res);
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        if (!current) throw new Error("the test chose no account to sign in");
        accounts.set(current.sub, current);
        const grant = new provider.Grant({ accountId: current.sub, clientId: String(details.params.client_id) });
        grant.addOIDCScope(String(details.params.scope));
        const grantId = await grant.save();
        await provider.interactionFinished(req, res, { login: { accountId: current.sub }, consent: { grantId } }, { mergeWithLastSubmission: false });
      } catch (error) {
        res.statusCode = 500;
        res.end(error instanceof Error ? error.message : "interaction failed");
      }
    })();
  };

  return {
    issuer,
    signInAs(account) {
      current = account;
    },
    setClockOffsetSeconds(seconds) {
      clockOffsetMs = seconds * 1000;
    },
    setDown(value) {
      down = value;
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
