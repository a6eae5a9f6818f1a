// `npm run store -- copy-to-postgres [--from DIR]`: moves one instance's SQLite store into the PostgreSQL of several (docs/storage.md).
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { getClusterConfig } from "../lib/config";
import { copyStore, StoreCopyRefused } from "../lib/store/copy-store";
import { dataDirectory, openStore, STORE_FILE, type Store } from "../lib/store/db";

const USAGE = `Usage: DATABASE_URL=postgres://… npm run store -- copy-to-postgres [--from DIR]
  Copies every user, sign-in, link, display, alert and the fleet's last state from the SQLite
  store in DIR (default: DATA_DIR) into the PostgreSQL database of DATABASE_URL, which must hold
  none yet. Stop the dashboard first; nothing is written unless everything is.`;

class UsageError extends Error {}

async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { from: { type: "string" }, help: { type: "boolean" } } });
  const [command] = positionals;
  if (!command || values.help) {
    console.log(USAGE);
    return;
  }
  if (command !== "copy-to-postgres") throw new UsageError(`Unknown command ${JSON.stringify(command)}.`);
  const { databaseUrl } = getClusterConfig();
  if (!databaseUrl) throw new UsageError("Set DATABASE_URL to the PostgreSQL database to fill.");
  const dir = values.from ? resolve(values.from) : dataDirectory();
  // openStore would create an empty store where none is: a mistyped directory must not copy nothing "successfully".
  if (!existsSync(join(dir, STORE_FILE))) throw new UsageError(`No ${STORE_FILE} in ${dir}.`);
  const opened: Store[] = [];
  try {
    const from = await openStore({ dir });
    opened.push(from);
    const to = await openStore({ databaseUrl });
    opened.push(to);
    const copied = await copyStore(from, to);
    for (const { table, rows } of copied) console.log(`${table}\t${rows}`);
    console.log(`Copied ${copied.reduce((n, t) => n + t.rows, 0)} rows of ${copied.length} tables from ${dir} into PostgreSQL.`);
  } finally {
    await Promise.all(opened.map((db) => db.destroy()));
  }
}

run(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof StoreCopyRefused || (error instanceof Error && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS"))) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
});
