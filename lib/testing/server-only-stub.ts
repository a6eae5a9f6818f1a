// Vitest runs outside React's server environment, where the real "server-only" package
// throws by design; unit tests import server modules through this empty stand-in.
export {};
