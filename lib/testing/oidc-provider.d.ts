// oidc-provider ships no types; the test provider (oidc-test-provider.ts) types what it uses.
declare module "oidc-provider";
