import { listUsersForAdmin } from "@/lib/admin/admin";
import { storeAnswer, userJson } from "@/lib/admin/api";
import { apiRoute } from "@/lib/http/api-route";

// GET /api/users: every user with role, clients, state and last sign-in.
export const GET = apiRoute({
  route: "GET /api/users",
  ids: [],
  capability: "users.manage",
  handler: async ({ principal }) => storeAnswer((await listUsersForAdmin(principal)).map(userJson)),
});
