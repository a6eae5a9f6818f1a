"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { startTransition, useCallback, useMemo, useOptimistic } from "react";
import { parseDeviceView, serializeDeviceView, type DeviceView } from "@/lib/device-view/view";

/** Params in the device URL that are not view state: the inventory hint. */
const KEPT_PARAMS = ["client"];

/** Each change is a history entry (Back walks through them); the page resets when the data selection changes. */
export function useDeviceView() {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const urlView = useMemo(() => parseDeviceView(new URLSearchParams(searchParams.toString())), [searchParams]);
  // Controls reflect a change at once, while the navigation it starts is still running.
  const [view, setOptimisticView] = useOptimistic(urlView);

  const hrefFor = useCallback(
    (next: DeviceView) => {
      const params = serializeDeviceView(next);
      for (const name of KEPT_PARAMS) {
        const value = searchParams.get(name);
        if (value) params.set(name, value);
      }
      const query = params.toString();
      return query ? `${pathname}?${query}` : pathname;
    },
    [pathname, searchParams],
  );

  const update = useCallback(
    (changes: Partial<DeviceView>, options: { replace?: boolean } = {}) => {
      const resetsPage = Object.keys(changes).some((key) => key !== "page" && key !== "sort" && key !== "dir" && key !== "units" && key !== "tz");
      const next = { ...view, ...changes, ...(resetsPage && changes.page === undefined ? { page: 1 } : {}) };
      const href = hrefFor(next);
      startTransition(() => {
        setOptimisticView(next);
        if (options.replace) router.replace(href, { scroll: false });
        else router.push(href, { scroll: false });
      });
    },
    [view, hrefFor, router, setOptimisticView],
  );

  return { view, update, hrefFor };
}
