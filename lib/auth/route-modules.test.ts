import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { API_ACCESS } from "./routes";

function routeFiles(dir = "app"): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? routeFiles(join(dir, entry.name)) : entry.name === "route.ts" ? [join(dir, entry.name)] : [],
  );
}

describe("every route module", () => {
  it.each(routeFiles())("%s loads, and each label it gives apiRoute has a row", async (file) => {
    const source = readFileSync(file, "utf8");
    for (const [, label] of source.matchAll(/route: "([^"]+)"/g)) expect(API_ACCESS[label!], `${label} in ${file}`).toBeDefined();
    const loaded = (await import(/* @vite-ignore */ `@/${relative(".", file)}`)) as Record<string, unknown>;
    expect(Object.keys(loaded).some((name) => /^(GET|POST|PUT|PATCH|DELETE)$/.test(name))).toBe(true);
  }, 60_000);
});
