import "server-only";
import { sql, type Kysely } from "kysely";
import { isPostgres, type Store } from "./db";

// Moving from one instance (SQLite) to several (PostgreSQL) without losing users, links, displays or incidents: docs/storage.md.

export class StoreCopyRefused extends Error {}

export interface CopiedTable {
  table: string;
  rows: number;
}

/** Fencing tokens belong to the Redis the PostgreSQL deployment uses: an old one copied over could refuse its leader's writes. */
const NOT_COPIED = new Set(["leader_fences"]);

/** Well under PostgreSQL's 65,535 parameters a statement. */
const PARAMETERS_PER_INSERT = 8_000;
const ROWS_PER_READ = 2_000;

type Row = Record<string, unknown>;
type AnyDb = Kysely<Record<string, Row>>;

async function sqliteTables(db: AnyDb): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name`.execute(db);
  return rows.map((r) => r.name).filter((name) => !NOT_COPIED.has(name));
}

/** Parents before children, so that every foreign key finds its row. */
async function inDependencyOrder(db: AnyDb, tables: string[]): Promise<string[]> {
  const parents = new Map<string, string[]>();
  for (const table of tables) {
    const { rows } = await sql<{ table: string }>`select "table" from pragma_foreign_key_list(${table})`.execute(db);
    parents.set(table, rows.map((r) => r.table).filter((parent) => parent !== table));
  }
  const ordered: string[] = [];
  const visit = (table: string, path: Set<string>) => {
    if (ordered.includes(table) || path.has(table)) return;
    path.add(table);
    for (const parent of parents.get(table) ?? []) if (parents.has(parent)) visit(parent, path);
    ordered.push(table);
  };
  for (const table of tables) visit(table, new Set());
  return ordered;
}

async function sqliteColumns(db: AnyDb, table: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from pragma_table_info(${table}) order by cid`.execute(db);
  return rows.map((r) => r.name);
}

async function postgresColumns(db: AnyDb, table: string): Promise<string[]> {
  const { rows } = await sql<{ column_name: string }>`select column_name from information_schema.columns where table_schema = current_schema() and table_name = ${table}`.execute(db);
  return rows.map((r) => r.column_name);
}

/**
 * Copies every row of a SQLite store into a PostgreSQL store that holds none yet, in one transaction on each side:
 * a consistent read, and all or nothing written. Both stores are migrated already (openStore), so their tables match.
 */
export async function copyStore(from: Store, to: Store): Promise<CopiedTable[]> {
  if (isPostgres(from) || !isPostgres(to)) throw new StoreCopyRefused("The copy goes from a SQLite store to a PostgreSQL one.");
  const source = from as unknown as AnyDb;
  const target = to as unknown as AnyDb;
  return source.transaction().execute(async (read) => {
    const tables = await inDependencyOrder(read, await sqliteTables(read));
    const columns = new Map<string, string[]>();
    for (const table of tables) {
      const here = await sqliteColumns(read, table);
      const there = new Set(await postgresColumns(target, table));
      const missing = here.filter((c) => !there.has(c));
      if (there.size === 0 || missing.length > 0) {
        throw new StoreCopyRefused(`PostgreSQL's table ${table} ${there.size === 0 ? "is missing" : `lacks ${missing.join(", ")}`}: are both stores from the same version of the dashboard?`);
      }
      columns.set(table, here);
    }
    return target.transaction().execute(async (write) => {
      const filled: string[] = [];
      for (const table of tables) {
        if ((await write.selectFrom(table).select(sql<number>`1`.as("one")).limit(1).execute()).length > 0) filled.push(table);
      }
      if (filled.length > 0) throw new StoreCopyRefused(`The PostgreSQL store is not empty (${filled.join(", ")}): the copy only fills a new one.`);
      const copied: CopiedTable[] = [];
      for (const table of tables) copied.push({ table, rows: await copyTable(read, write, table, columns.get(table)!) });
      return copied;
    });
  });
}

async function copyTable(read: AnyDb, write: AnyDb, table: string, columns: string[]): Promise<number> {
  const rowsPerInsert = Math.max(1, Math.floor(PARAMETERS_PER_INSERT / columns.length));
  let after = -Infinity;
  let copied = 0;
  for (;;) {
    // By rowid, not offset: each page costs the same however far into a 50,000-device fleet it is.
    const { rows } = await sql<Row & { copy_rowid: number }>`select rowid as copy_rowid, ${sql.join(columns.map((c) => sql.ref(c)))} from ${sql.table(table)} where rowid > ${after} order by rowid limit ${ROWS_PER_READ}`.execute(read);
    if (rows.length === 0) return copied;
    after = rows[rows.length - 1]!.copy_rowid;
    const values = rows.map((row) => Object.fromEntries(columns.map((c) => [c, row[c]])));
    for (let i = 0; i < values.length; i += rowsPerInsert) await write.insertInto(table).values(values.slice(i, i + rowsPerInsert)).execute();
    copied += rows.length;
  }
}
