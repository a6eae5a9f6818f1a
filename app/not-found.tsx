import Link from "next/link";

export default function GlobalNotFound() {
  return (
    <main className="mx-auto max-w-screen-md space-y-3 px-4 py-10">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="text-muted">There is nothing at this address.</p>
      <Link href="/" className="text-accent underline">
        Back to all clients
      </Link>
    </main>
  );
}
