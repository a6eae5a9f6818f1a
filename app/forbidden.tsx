/** A 403 page: a principal that may not see any of this page (a NOC display outside /noc). */
export default function Forbidden() {
  return (
    <main className="mx-auto max-w-screen-md space-y-3 px-4 py-10" data-forbidden>
      <h1 className="text-2xl font-semibold">Not available here</h1>
      <p className="text-muted">This browser is paired as a NOC display: it shows the wall at /noc and nothing else.</p>
    </main>
  );
}
