"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { BUTTON } from "@/components/admin/admin-ui";
import { sendJson } from "@/lib/queries/send-json";

export function RevokeShareLinkButton({ id, device }: { id: string; device: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className={BUTTON}
        disabled={busy}
        aria-label={`Revoke link to ${device}`}
        onClick={async () => {
          setBusy(true);
          setProblem(null);
          const result = await sendJson("DELETE", `/api/share-links/${encodeURIComponent(id)}`);
          setBusy(false);
          if (result.ok) router.refresh();
          else setProblem(result.message);
        }}
      >
        Revoke
      </button>
      {problem && (
        <span role="alert" className="ml-2 text-status-failed">
          {problem}
        </span>
      )}
    </>
  );
}
