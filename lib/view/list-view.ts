
export type SortDirection = "asc" | "desc";

export interface ListView<K extends string> {
  q: string;
  sort: K;
  dir: SortDirection;
}

export type SearchParams = Record<string, string | string[] | undefined>;

export function firstParam(params: SearchParams, name: string): string | undefined {
  const value = params[name];
  return Array.isArray(value) ? value[0] : value;
}

export function parseListView<K extends string>(params: SearchParams, keys: readonly K[], defaultSort: K): ListView<K> {
  const sort = firstParam(params, "sort");
  const dir = firstParam(params, "dir");
  return {
    q: (firstParam(params, "q") ?? "").slice(0, 200),
    sort: keys.includes(sort as K) ? (sort as K) : defaultSort,
    dir: dir === "desc" ? "desc" : "asc",
  };
}

export function withParams(params: SearchParams, changes: Record<string, string | undefined>): string {
  const next = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (key in changes) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined && first !== "") next.set(key, first);
  }
  for (const [key, value] of Object.entries(changes)) if (value) next.set(key, value);
  const text = next.toString();
  return text ? `?${text}` : "?";
}

export function matchesFilter(filter: string, ...fields: (string | null | undefined)[]): boolean {
  const needle = fold(filter.trim());
  if (!needle) return true;
  return fields.some((field) => field && fold(field).includes(needle));
}

function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

export function compareValues(a: string | number | boolean | null | undefined, b: string | number | boolean | null | undefined): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === "string" && typeof b === "string") return a.localeCompare(b, "en", { sensitivity: "base", numeric: true });
  return a < b ? -1 : 1;
}

export function sortBy<T, K extends string>(rows: T[], view: ListView<K>, value: (row: T, key: K) => string | number | boolean | null | undefined): T[] {
  const sign = view.dir === "desc" ? -1 : 1;
  return rows.slice().sort((a, b) => {
    const va = value(a, view.sort);
    const vb = value(b, view.sort);
    // Unknown values stay last whichever the direction.
    if (va === null || va === undefined) return vb === null || vb === undefined ? 0 : 1;
    if (vb === null || vb === undefined) return -1;
    return sign * compareValues(va, vb);
  });
}
