import "server-only";
import type { Credential } from "@prisma/client";
import type { Access } from "../sharing/access";

/** A credential as any response carries it: never the value, nor its envelope. */
export interface CredentialView {
  id: string;
  name: string;
  description: string;
  owner: string | null;
  access: Access;
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
}

export function toCredentialView(row: Credential & { owner?: { username: string } | null }, access: Access): CredentialView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    owner: row.owner?.username ?? null,
    access,
    createdBy: row.createdBy,
    updatedBy: row.updatedBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const credentialInclude = { owner: { select: { username: true } }, shares: { select: { userId: true, role: true } } } as const;
