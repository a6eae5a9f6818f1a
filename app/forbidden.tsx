import Link from "next/link";

export default function Forbidden() {
  return (
    <main id="main" className="mx-auto max-w-screen-md space-y-3 px-4 py-10" data-forbidden>
      <h1 className="text-2xl font-semibold">You may not see this page</h1>
      <p className="text-muted">
        Your sign-in does not reach it: the admin pages are for administrators, and a browser paired as a NOC display shows the wall at /noc and nothing else.
      </p>
      <Link href="/" className="text-accent underline">
        Back to all clients
      </Link>
    </main>
  );
}
