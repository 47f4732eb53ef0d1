import { withRole } from "@/lib/server/route";
import { createSigningKey } from "@/lib/server/signing-keys/create-signing-key";
import { findSigningKeys } from "@/lib/server/signing-keys/find-signing-keys";
import { ZSigningKeyInput } from "@/lib/validations/signing-key";

export const dynamic = "force-dynamic";

// GET /api/signing-keys - the allow-list of signing keys (public keys, fingerprints)
export const GET = withRole("admin", {}, () => findSigningKeys());

// POST /api/signing-keys - add a key ({ name, publicKey }: an OpenSSH public key line or an armored OpenPGP key)
export const POST = withRole("admin", { body: ZSigningKeyInput, status: 201 }, ({ input, user }) => createSigningKey(input, user.username));
