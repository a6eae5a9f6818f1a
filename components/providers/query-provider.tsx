"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { ApiClientError } from "@/lib/queries/fetch-json";

/**
 * TanStack Query for the widgets that fetch in the browser. Only pages with live widgets
 * mount it, so pages without them do not ship it. Our server already caches N-sight, so
 * the browser keeps answers for a minute and retries only what is worth retrying.
 */
export function QueryProvider({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            staleTime: 60_000,
            refetchOnWindowFocus: true,
            retry: (failures, error) =>
              failures < 2 && !(error instanceof ApiClientError && error.status >= 400 && error.status < 500),
          },
        },
      }),
  );
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
