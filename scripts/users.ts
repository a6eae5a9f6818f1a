// `npm run users -- <command>` (USAGE below): local accounts in the store (DATABASE_URL, else DATA_DIR), for scripts and when nobody can sign in.
import { parseArgs } from "node:util";
import { apiTokenProblem, issueApiToken } from "../lib/auth/api-tokens";
import { hashPassword, passwordProblem } from "../lib/auth/passwords";
import { writeAudit } from "../lib/store/audit";
import { getStore, type Store } from "../lib/store/db";
import { revokeUserSessions } from "../lib/store/sessions";
import { createUser, deleteUser, findUserByEmail, isRole, listUsers, setPasswordHash, setUserDisabled, setUserRole, type Role, type User } from "../lib/store/users";
import { isNsightId } from "../lib/ids";

const USAGE = `Usage: npm run users -- <command>
  add EMAIL --role admin|technician|viewer [--clients ID,ID] [--name NAME] [--password-stdin]
  list
  set-role EMAIL admin|technician|viewer|none [--clients ID,ID]
  disable EMAIL | enable EMAIL | remove EMAIL | end-sessions EMAIL
  token EMAIL --name NAME [--expires-days N]   prints a new API token as its last line`;

class UsageError extends Error {}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One trailing newline is the shell's, not the password's.
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

function parseClients(value: string | undefined): string[] | null {
  if (value === undefined) return null;
  const ids = value.split(",").map((id) => id.trim()).filter(Boolean);
  if (ids.length === 0 || !ids.every(isNsightId)) throw new UsageError("--clients takes N-sight client ids separated by commas, such as 100001,100005.");
  return ids;
}

function parseRole(value: string | undefined): Role | null {
  if (value === "none") return null;
  if (!isRole(value)) throw new UsageError("The role is admin, technician or viewer (or none with set-role).");
  return value;
}

async function userOrFail(db: Store, email: string | undefined): Promise<User> {
  if (!email) throw new UsageError("Give the user's e-mail.");
  const user = await findUserByEmail(db, email);
  if (!user) throw new UsageError(`No user ${email}.`);
  return user;
}

const audit = (db: Store, action: string, user: User, detail?: Record<string, unknown>) => writeAudit(db, { actor: "cli", action, target: `user:${user.id}`, detail: { email: user.email, ...detail } });

async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { role: { type: "string" }, clients: { type: "string" }, name: { type: "string" }, "password-stdin": { type: "boolean" }, "expires-days": { type: "string" }, help: { type: "boolean" } },
  });
  const [command, email, roleArgument] = positionals;
  if (!command || values.help) {
    console.log(USAGE);
    return;
  }
  const db = await getStore();
  try {
    switch (command) {
      case "add": {
        if (!email || !EMAIL.test(email)) throw new UsageError("Give the new user's e-mail.");
        const role = parseRole(values.role);
        if (role === null) throw new UsageError("--role is admin, technician or viewer.");
        const clientIds = parseClients(values.clients);
        if (role === "viewer" && !clientIds) throw new UsageError("A viewer needs --clients: the ids of the clients it may see.");
        if (await findUserByEmail(db, email)) throw new UsageError(`A user ${email} exists already.`);
        let hash: string | null = null;
        if (values["password-stdin"]) {
          const password = await readStdin();
          const problem = passwordProblem(password);
          if (problem) throw new UsageError(problem);
          hash = await hashPassword(password);
        }
        const user = await createUser(db, { email, name: values.name ?? null, role, clientIds: role === "viewer" ? clientIds : null });
        if (hash) await setPasswordHash(db, user.id, hash);
        await audit(db, "user.create", user, { role, clientIds: user.clientIds, password: hash !== null });
        console.log(`Added ${user.email} (${role}${user.clientIds ? `: clients ${user.clientIds.join(", ")}` : ""})${hash ? "" : " without a password (single sign-on only)"}.`);
        return;
      }
      case "list": {
        for (const user of await listUsers(db)) {
          const state = user.disabledAt !== null ? " disabled" : "";
          console.log(`${user.email}\t${user.role ?? "none"}${user.clientIds ? `\tclients ${user.clientIds.join(",")}` : ""}${state}`);
        }
        return;
      }
      case "set-role": {
        const user = await userOrFail(db, email);
        const role = parseRole(roleArgument ?? values.role);
        const clientIds = parseClients(values.clients) ?? (role === "viewer" ? user.clientIds : null);
        if (role === "viewer" && !clientIds) throw new UsageError("A viewer needs --clients: the ids of the clients it may see.");
        await setUserRole(db, user.id, role, clientIds);
        // What a session could see was decided by the old role: sign in again.
        await revokeUserSessions(db, user.id);
        await audit(db, "user.set_role", user, { from: user.role, to: role, clientIds: role === "viewer" ? clientIds : null });
        console.log(`${user.email} is now ${role ?? "without a role"}; their sessions were ended.`);
        return;
      }
      case "disable":
      case "enable": {
        const user = await userOrFail(db, email);
        await setUserDisabled(db, user.id, command === "disable");
        if (command === "disable") await revokeUserSessions(db, user.id);
        await audit(db, `user.${command}`, user);
        console.log(`${user.email} is ${command}d.`);
        return;
      }
      case "end-sessions": {
        const user = await userOrFail(db, email);
        const ended = await revokeUserSessions(db, user.id);
        await audit(db, "user.end_sessions", user, { ended });
        console.log(`Ended ${ended} session(s) of ${user.email}.`);
        return;
      }
      case "remove": {
        const user = await userOrFail(db, email);
        await deleteUser(db, user.id);
        await audit(db, "user.remove", user);
        console.log(`Removed ${user.email}.`);
        return;
      }
      case "token": {
        const user = await userOrFail(db, email);
        const name = values.name ?? "";
        const days = values["expires-days"];
        const expiresInDays = days === undefined ? null : /^\d{1,6}$/.test(days) ? Number(days) : Number.NaN;
        const problem = apiTokenProblem(name, expiresInDays);
        if (problem) throw new UsageError(problem);
        if (user.disabledAt !== null) throw new UsageError(`${user.email} is disabled; a token of theirs would not work.`);
        const { token, row } = await issueApiToken(db, { userId: user.id, name, expiresInDays });
        await audit(db, "token.create", user, { tokenId: row.id, name: row.name, expiresAt: row.expiresAt });
        const until = row.expiresAt === null ? "no expiry" : `expires ${new Date(row.expiresAt).toISOString()}`;
        console.log(`API token "${row.name}" for ${user.email} (${user.role ?? "no role"}; ${until}). It is shown only now; send it as "Authorization: Bearer TOKEN":`);
        console.log(token);
        return;
      }
      default:
        throw new UsageError(`Unknown command ${JSON.stringify(command)}.`);
    }
  } finally {
    await db.destroy();
  }
}

run(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || (error instanceof Error && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS"))) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
});
