-- CreateEnum
CREATE TYPE "ShareRole" AS ENUM ('viewer', 'editor');

-- AlterEnum
ALTER TYPE "ProcessRunStatus" ADD VALUE 'cancelled';

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "NodeRunStatus" ADD VALUE 'queued';
ALTER TYPE "NodeRunStatus" ADD VALUE 'cancelled';

-- DropIndex
DROP INDEX "Process_name_key";

-- DropIndex
DROP INDEX "ProcessRunNode_runId_idx";

-- AlterTable
ALTER TABLE "Process" ADD COLUMN     "ownerId" TEXT;

-- AlterTable
ALTER TABLE "ProcessRun" ADD COLUMN     "cancelledBy" TEXT,
ADD COLUMN     "graph" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "locale" TEXT NOT NULL DEFAULT 'en',
ADD COLUMN     "rerunOf" TEXT,
ADD COLUMN     "seed" JSONB;

-- AlterTable
ALTER TABLE "ProcessRunNode" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "instance" TEXT,
ADD COLUMN     "next" TEXT[],
ADD COLUMN     "retries" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "spec" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "upstream" TEXT[];

-- CreateTable
CREATE TABLE "ProcessShare" (
    "id" TEXT NOT NULL,
    "processId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" "ShareRole" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProcessShare_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Credential" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "secret" TEXT NOT NULL,
    "ownerId" TEXT,
    "createdBy" TEXT NOT NULL,
    "updatedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Credential_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CredentialShare" (
    "id" TEXT NOT NULL,
    "credentialId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" "ShareRole" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CredentialShare_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ProcessShare_userId_idx" ON "ProcessShare"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "ProcessShare_processId_userId_key" ON "ProcessShare"("processId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "Credential_ownerId_name_key" ON "Credential"("ownerId", "name");

-- CreateIndex
CREATE INDEX "CredentialShare_userId_idx" ON "CredentialShare"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "CredentialShare_credentialId_userId_key" ON "CredentialShare"("credentialId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "Process_ownerId_name_key" ON "Process"("ownerId", "name");

-- CreateIndex
CREATE INDEX "ProcessRun_actor_startedAt_idx" ON "ProcessRun"("actor", "startedAt");

-- CreateIndex
CREATE INDEX "ProcessRun_status_idx" ON "ProcessRun"("status");

-- CreateIndex
CREATE INDEX "ProcessRunNode_runId_status_idx" ON "ProcessRunNode"("runId", "status");

-- AddForeignKey
ALTER TABLE "Process" ADD CONSTRAINT "Process_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProcessShare" ADD CONSTRAINT "ProcessShare_processId_fkey" FOREIGN KEY ("processId") REFERENCES "Process"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProcessShare" ADD CONSTRAINT "ProcessShare_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Credential" ADD CONSTRAINT "Credential_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CredentialShare" ADD CONSTRAINT "CredentialShare_credentialId_fkey" FOREIGN KEY ("credentialId") REFERENCES "Credential"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CredentialShare" ADD CONSTRAINT "CredentialShare_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Data: each existing process is owned by the user who created it (else by the oldest admin).
UPDATE "Process" p SET "ownerId" = u."id" FROM "User" u WHERE u."username" = p."createdBy";
UPDATE "Process" SET "ownerId" = (SELECT "id" FROM "User" WHERE "role" = 'admin' ORDER BY "createdAt" LIMIT 1) WHERE "ownerId" IS NULL;

-- Data: runs that lived only in the memory of an instance cannot be resumed: they end failed, never stay "running".
UPDATE "ProcessRunNode" SET "status" = 'failed', "error" = 'the instance running it stopped', "finishedAt" = CURRENT_TIMESTAMP
  WHERE "status" IN ('pending', 'running') AND "runId" IN (SELECT "id" FROM "ProcessRun" WHERE "status" = 'running');
UPDATE "ProcessRun" SET "status" = 'failed', "error" = 'the instance running it stopped', "finishedAt" = CURRENT_TIMESTAMP WHERE "status" = 'running';
