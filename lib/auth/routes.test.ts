import { describe, expect, it } from "vitest";
import { API_ACCESS, apiCapability, expectedAccess, PAGE_ACCESS } from "./routes";

describe("the route table", () => {
  it("says what each principal gets from a route, from the capability table and the client the path names", () => {
    const device = API_ACCESS["GET /api/devices/:deviceId/history"]!;
    expect(expectedAccess(device, null, "own")).toBe("unauthenticated");
    expect(expectedAccess(device, "viewer", "own")).toBe("allowed");
    expect(expectedAccess(device, "viewer", "other")).toBe("out_of_scope");
    expect(expectedAccess(device, "no_role", "own")).toBe("forbidden");
    expect(expectedAccess(API_ACCESS["GET /api/clients"]!, "display", null)).toBe("forbidden");
    expect(expectedAccess(API_ACCESS["GET /api/fleet"]!, "display", null)).toBe("allowed");
    expect(expectedAccess(API_ACCESS["* /api/*path"]!, "admin", null)).toBe("not_found");
    expect(expectedAccess(PAGE_ACCESS["/login"]!, null, null)).toBe("allowed");
    expect(expectedAccess(PAGE_ACCESS["/login"]!, "technician", null)).toBe("sent_on");
    expect(expectedAccess(PAGE_ACCESS["/login"]!, "share", null)).toBe("allowed");
  });

  it("reads a share link's token in its own paths only, shows a wall without a credential its pairing code, and sends a dead link to /s/expired", () => {
    const shared = API_ACCESS["GET /s/:token/api/devices/:deviceId/history"]!;
    expect(expectedAccess(shared, "share", "own")).toBe("allowed");
    expect(expectedAccess(shared, "share", "other")).toBe("out_of_scope");
    expect(expectedAccess(shared, null, "own")).toBe("unauthenticated");
    expect(expectedAccess(API_ACCESS["GET /api/devices/:deviceId/history"]!, "share", "own")).toBe("unauthenticated");
    expect(expectedAccess(PAGE_ACCESS["/noc"]!, null, null)).toBe("pairing");
    expect(expectedAccess(PAGE_ACCESS["/noc"]!, "display", null)).toBe("allowed");
    expect(expectedAccess(PAGE_ACCESS["/s/:token"]!, "share", null)).toBe("allowed");
    expect(expectedAccess(PAGE_ACCESS["/s/:token"]!, null, null)).toBe("gone");
    expect(expectedAccess(PAGE_ACCESS["/admin/users"]!, "technician", null)).toBe("forbidden");
    expect(expectedAccess(API_ACCESS["POST /api/displays/pairing"]!, null, null)).toBe("allowed");
  });

  it("gives an API route's capability, or refuses a route it has no row for", () => {
    expect(apiCapability("GET /api/fleet")).toBe("fleet.read");
    expect(apiCapability("GET /api/health")).toBeNull();
    expect(() => apiCapability("GET /api/unlisted")).toThrow("GET /api/unlisted has no row in lib/auth/routes.ts");
  });
});
