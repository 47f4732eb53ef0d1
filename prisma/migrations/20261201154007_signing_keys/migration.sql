-- AlterTable
ALTER TABLE "SyncSourceResult" ADD COLUMN     "signer" JSONB;

-- CreateTable
CREATE TABLE "SigningKey" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "algorithm" TEXT NOT NULL,
    "publicKey" TEXT NOT NULL,
    "userIds" TEXT[],
    "expiresAt" TIMESTAMP(3),
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SigningKey_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SigningKey_name_key" ON "SigningKey"("name");

-- CreateIndex
CREATE UNIQUE INDEX "SigningKey_fingerprint_key" ON "SigningKey"("fingerprint");
CREATE UNIQUE INDEX "SigningKey_name_lower_key" ON "SigningKey"(lower("name"));
