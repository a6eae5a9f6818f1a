// Usage: tsx --conditions=react-server e2e/support/issue-api-token.ts DATA_DIR EMAIL NAME (the store is server-only)
import { randomUUID } from "node:crypto";
import { hashToken, newToken } from "../../lib/auth/tokens";
import { openStore } from "../../lib/store/db";
import { findUserByEmail } from "../../lib/store/users";

const [dataDir, email, name] = process.argv.slice(2);
if (!dataDir || !email || !name) throw new Error("usage: issue-api-token.ts DATA_DIR EMAIL NAME");
const db = await openStore(dataDir);
const user = await findUserByEmail(db, email);
if (!user) throw new Error(`no user ${email}`);
const token = newToken();
await db
  .insertInto("api_tokens")
  .values({ id: randomUUID(), hash: hashToken(token), user_id: user.id, name, created_at: Date.now(), expires_at: null, last_used_at: null, revoked_at: null })
  .execute();
await db.destroy();
console.log(token);
