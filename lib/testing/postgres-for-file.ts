import { afterAll, beforeAll } from "vitest";
import { startTestPostgres, type TestPostgres } from "./postgres-server";

/**
 * Call at the top level of a test file: one real PostgreSQL for the file, started in beforeAll and ended (by its
 * process id) in afterAll. Tests reach it through the function returned.
 */
export function postgresForThisFile(): () => TestPostgres {
  let server: TestPostgres | null = null;
  beforeAll(async () => {
    server = await startTestPostgres();
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });
  return () => {
    if (!server) throw new Error("PostgreSQL did not start");
    return server;
  };
}
