/** A device link carries its client as a hint: the breadcrumb resolves faster with it, and works without it. */
export function deviceHref(deviceId: string, clientId?: string | null, timezone?: string | null): string {
  const params = new URLSearchParams();
  if (clientId) params.set("client", clientId);
  if (timezone) params.set("tz", timezone);
  const query = params.toString();
  return `/devices/${deviceId}${query ? `?${query}` : ""}`;
}

export const clientHref = (clientId: string) => `/clients/${clientId}`;
export const siteHref = (clientId: string, siteId: string) => `/clients/${clientId}/sites/${siteId}`;
