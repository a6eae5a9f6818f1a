import Link from "next/link";

export default function DeviceNotFound() {
  return (
    <div className="space-y-3">
      <h1 className="text-2xl font-semibold">Device not found</h1>
      <p className="text-muted">N-sight does not know this device, or the API key cannot see it.</p>
      <Link href="/" className="text-accent underline">
        Back to all clients
      </Link>
    </div>
  );
}
