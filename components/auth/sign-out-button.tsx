/** A plain form POST, so it works without JavaScript; the route checks the request's Origin. */
export function SignOutButton() {
  return (
    <form action="/auth/logout" method="post">
      <button type="submit" className="text-sm text-accent underline hover:no-underline">
        Sign out
      </button>
    </form>
  );
}
