"use client";

import { createContext, useContext, type ReactNode } from "react";

/**
 * Where the device page's widgets send their requests: "" for the signed-in API, or a share
 * link's own `/s/{token}` prefix, whose routes act for that link's device alone.
 */
const DeviceApiBase = createContext("");

export function DeviceApiBaseProvider({ base, children }: { base: string; children: ReactNode }) {
  return <DeviceApiBase.Provider value={base}>{children}</DeviceApiBase.Provider>;
}

export function useDeviceApiBase(): string {
  return useContext(DeviceApiBase);
}
