"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState } from "react";

/** Typing replaces the history entry rather than adding one per keystroke. */
export function FilterBox({ label, placeholder, param = "q", pageParam = "page" }: { label: string; placeholder?: string; param?: string; pageParam?: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const urlValue = searchParams.get(param) ?? "";
  const [value, setValue] = useState(urlValue);
  const [seenUrlValue, setSeenUrlValue] = useState(urlValue);
  const [lastWritten, setLastWritten] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  // Follow Back/Forward, but not the echo of our own typing, which may lag what was typed since.
  if (urlValue !== seenUrlValue) {
    setSeenUrlValue(urlValue);
    if (urlValue !== lastWritten) setValue(urlValue);
  }
  useEffect(() => () => clearTimeout(timer.current), []);

  function update(next: string) {
    setValue(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const params = new URLSearchParams(searchParams.toString());
      if (next.trim()) params.set(param, next);
      else params.delete(param);
      params.delete(pageParam);
      setLastWritten(next.trim() ? next : "");
      const query = params.toString();
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    }, 250);
  }

  return (
    <label className="flex flex-col gap-1 text-sm">
      <span className="font-medium">{label}</span>
      <input
        type="search"
        className="w-full max-w-sm rounded border border-border bg-surface px-3 py-1.5 text-ink placeholder:text-muted"
        placeholder={placeholder}
        value={value}
        onChange={(event) => update(event.target.value)}
      />
    </label>
  );
}
