import { sessionCookieName } from "../auth/cookies";
import { createSession } from "../auth/sessions";
import { getStore } from "../store/db";
import { createUser, type Role } from "../store/users";

/**
 * A user in the process's store (DATA_DIR) and the Cookie header of a session of theirs,
 * for tests that send requests to the app's route handlers as that user.
 */
export async function signedInUser(email: string, role: Role, clientIds: string[] | null = null): Promise<{ id: string; cookie: string }> {
  const db = await getStore();
  const user = await createUser(db, { email, role, clientIds });
  const session = await createSession(db, user.id, { address: null, userAgent: null });
  return { id: user.id, cookie: `${sessionCookieName()}=${session.token}` };
}
