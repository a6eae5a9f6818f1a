import { readAudit } from "@/lib/admin/admin";
import { storeAnswer } from "@/lib/admin/api";
import { apiRoute, RequestError } from "@/lib/http/api-route";

// GET /api/audit?before=CURSOR&limit=N: the audit log, newest first; `next` is the cursor of the older page.
export const GET = apiRoute({
  route: "GET /api/audit",
  ids: [],
  query: ["before", "limit"],
  capability: "audit.read",
  handler: async ({ principal, query }) => {
    const limitText = query.get("limit");
    const limit = limitText === null ? undefined : /^\d{1,3}$/.test(limitText) && Number(limitText) >= 1 && Number(limitText) <= 200 ? Number(limitText) : null;
    if (limit === null) throw new RequestError("limit is a whole number from 1 to 200.");
    const page = await readAudit(principal, query.get("before"), limit);
    return storeAnswer({
      entries: page.entries.map((e) => ({ id: e.id, at: new Date(e.at).toISOString(), actor: e.actor, actorEmail: e.actorEmail, action: e.action, target: e.target, detail: e.detail, address: e.address })),
      next: page.next,
    });
  },
});
