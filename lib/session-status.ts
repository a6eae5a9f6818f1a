import type { DeviceHealthState } from "./health/backup-health";

/** A word, an icon and a colour together: status is never colour alone. */
export interface StatusLook {
  label: string;
  icon: string;
  ink: string;
  fill: string;
}

export const SESSION_STATUS_LOOK: Record<string, StatusLook> = {
  COMPLETED: { label: "Completed", icon: "✓", ink: "var(--status-ok)", fill: "var(--fill-completed)" },
  COMPLETED_WITH_ERRORS: { label: "Completed with errors", icon: "!", ink: "var(--status-warning)", fill: "var(--fill-errors)" },
  INTERRUPTED: { label: "Interrupted", icon: "‖", ink: "var(--status-warning)", fill: "var(--fill-interrupted)" },
  FAILED: { label: "Failed", icon: "✕", ink: "var(--status-failed)", fill: "var(--fill-failed)" },
  NOT_STARTED: { label: "Not started", icon: "○", ink: "var(--status-neutral)", fill: "var(--fill-not-started)" },
  CANCELED: { label: "Canceled", icon: "⊘", ink: "var(--status-neutral)", fill: "var(--fill-canceled)" },
};

export function sessionStatusLook(status: string): StatusLook {
  return SESSION_STATUS_LOOK[status] ?? { label: `Unknown (${status || "empty"})`, icon: "?", ink: "var(--status-neutral)", fill: "var(--fill-not-started)" };
}

export const HEALTH_LOOK: Record<DeviceHealthState, StatusLook> = {
  failed: { label: "Failed", icon: "✕", ink: "var(--status-failed)", fill: "var(--fill-failed)" },
  overdue: { label: "Overdue", icon: "◔", ink: "var(--status-overdue)", fill: "var(--fill-canceled)" },
  warning: { label: "Warning", icon: "!", ink: "var(--status-warning)", fill: "var(--fill-errors)" },
  ok: { label: "OK", icon: "✓", ink: "var(--status-ok)", fill: "var(--fill-completed)" },
  off: { label: "Backup off", icon: "–", ink: "var(--status-neutral)", fill: "var(--fill-not-started)" },
  unknown: { label: "Unknown", icon: "?", ink: "var(--status-neutral)", fill: "var(--fill-not-started)" },
};

export const PLUGIN_COLOURS = ["var(--plugin-1)", "var(--plugin-2)", "var(--plugin-3)", "var(--plugin-4)", "var(--plugin-5)", "var(--plugin-6)", "var(--plugin-7)", "var(--plugin-8)"];

const PLUGIN_LABELS: Record<string, string> = {
  FILE_SYSTEM: "Files and folders",
  SYSTEM_STATE: "System state",
  EXCHANGE: "Exchange",
  NETWORK_SHARES: "Network shares",
  VMWARE: "VMware",
  MSSQL: "MS SQL",
  SHAREPOINT: "SharePoint",
  ORACLE: "Oracle",
};

export function pluginLabel(plugin: string): string {
  return PLUGIN_LABELS[plugin] ?? plugin;
}
