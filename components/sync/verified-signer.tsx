import { Badge } from "@/components/ui";

/** "verified: <key name>" beside a revision; the key's fingerprint on hover and for screen readers' details. */
export function VerifiedSigner({ signer, label }: { signer: { name: string; fingerprint: string } | null | undefined; label: string }) {
  if (!signer) return null;
  return (
    <Badge tone="green" title={signer.fingerprint} data-testid="verified-signer" className="whitespace-nowrap">
      <svg aria-hidden="true" viewBox="0 0 16 16" className="mr-1 inline size-3 fill-current"><path d="M6.5 11.2 3.3 8l1.1-1.1 2.1 2.1 5.1-5.1L12.7 5z" /></svg>
      {label}
    </Badge>
  );
}
