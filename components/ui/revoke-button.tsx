"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { BUTTON } from "@/components/admin/admin-ui";
import { sendJson } from "@/lib/queries/send-json";

/** Revokes a credential (or ends whatever `url` names) with `DELETE url`, then re-renders the page; a refusal is shown beside the button. */
export function RevokeButton({ url, label, text = "Revoke" }: { url: string; label: string; text?: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className={BUTTON}
        disabled={busy}
        aria-label={label}
        onClick={async () => {
          setBusy(true);
          setProblem(null);
          const result = await sendJson("DELETE", url);
          setBusy(false);
          if (result.ok) router.refresh();
          else setProblem(result.message);
        }}
      >
        {text}
      </button>
      {problem && (
        <span role="alert" className="ml-2 text-status-failed">
          {problem}
        </span>
      )}
    </>
  );
}
