import Link from "next/link";
import { withParams, type ListView, type SearchParams } from "@/lib/view/list-view";

export function SortableHeader<K extends string>({
  column,
  label,
  view,
  params,
  align = "left",
}: {
  column: K;
  label: string;
  view: ListView<K>;
  params: SearchParams;
  align?: "left" | "right";
}) {
  const active = view.sort === column;
  const nextDir = active && view.dir === "asc" ? "desc" : "asc";
  const arrow = active ? (view.dir === "asc" ? "▲" : "▼") : "";
  return (
    <th
      scope="col"
      aria-sort={active ? (view.dir === "asc" ? "ascending" : "descending") : "none"}
      className={`relative px-3 py-2 font-semibold ${align === "right" ? "text-right" : "text-left"}`}
    >
      <Link href={withParams(params, { sort: column, dir: nextDir, page: undefined })} scroll={false} className="inline-flex items-center gap-1 hover:underline">
        {label}
        <span aria-hidden="true" className="text-xs">
          {arrow}
        </span>
        <span className="sr-only">{active ? `, sorted ${view.dir === "asc" ? "ascending" : "descending"}` : ", sortable"}</span>
      </Link>
    </th>
  );
}
