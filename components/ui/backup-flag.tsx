export function BackupFlag({ enabled }: { enabled: boolean | null }) {
  if (enabled === null) return <span className="text-muted">Unknown</span>;
  return enabled ? (
    <span className="text-status-ok">
      <span aria-hidden="true">● </span>On
    </span>
  ) : (
    <span className="text-muted">
      <span aria-hidden="true">○ </span>Off
    </span>
  );
}
