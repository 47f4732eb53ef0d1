-- CreateEnum
CREATE TYPE "SyncTrigger" AS ENUM ('cli', 'admin', 'api');

-- CreateEnum
CREATE TYPE "SyncStatus" AS ENUM ('running', 'succeeded', 'partial', 'failed');

-- CreateEnum
CREATE TYPE "GenerationStatus" AS ENUM ('building', 'ready', 'active', 'failed', 'deleted');

-- CreateTable
CREATE TABLE "SyncRun" (
    "id" TEXT NOT NULL,
    "trigger" "SyncTrigger" NOT NULL,
    "actor" TEXT NOT NULL,
    "status" "SyncStatus" NOT NULL DEFAULT 'running',
    "dryRun" BOOLEAN NOT NULL DEFAULT false,
    "onlySources" TEXT[],
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "error" TEXT,
    "generationId" INTEGER,

    CONSTRAINT "SyncRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncSourceResult" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "sourceName" TEXT NOT NULL,
    "kind" "SourceKind" NOT NULL,
    "status" TEXT NOT NULL,
    "revision" TEXT,
    "durationMs" INTEGER NOT NULL,
    "bytes" INTEGER NOT NULL,
    "files" INTEGER NOT NULL,
    "error" TEXT,
    "sets" JSONB NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "SyncSourceResult_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncLog" (
    "id" SERIAL NOT NULL,
    "runId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "level" TEXT NOT NULL,
    "source" TEXT,
    "message" TEXT NOT NULL,

    CONSTRAINT "SyncLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Generation" (
    "id" SERIAL NOT NULL,
    "status" "GenerationStatus" NOT NULL DEFAULT 'building',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readyAt" TIMESTAMP(3),
    "activatedAt" TIMESTAMP(3),
    "cacheLocation" TEXT NOT NULL,
    "plugins" INTEGER NOT NULL DEFAULT 0,
    "sets" INTEGER NOT NULL DEFAULT 0,
    "problems" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Generation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncLease" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "holder" TEXT,
    "runId" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SyncLease_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SyncRun_generationId_key" ON "SyncRun"("generationId");

-- CreateIndex
CREATE INDEX "SyncRun_startedAt_idx" ON "SyncRun"("startedAt");

-- CreateIndex
CREATE INDEX "SyncSourceResult_runId_idx" ON "SyncSourceResult"("runId");

-- CreateIndex
CREATE INDEX "SyncLog_runId_id_idx" ON "SyncLog"("runId", "id");

-- AddForeignKey
ALTER TABLE "SyncRun" ADD CONSTRAINT "SyncRun_generationId_fkey" FOREIGN KEY ("generationId") REFERENCES "Generation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncSourceResult" ADD CONSTRAINT "SyncSourceResult_runId_fkey" FOREIGN KEY ("runId") REFERENCES "SyncRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncLog" ADD CONSTRAINT "SyncLog_runId_fkey" FOREIGN KEY ("runId") REFERENCES "SyncRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The single lease row.
ALTER TABLE "SyncLease" ADD CONSTRAINT "SyncLease_singleton" CHECK ("id" = 1);
INSERT INTO "SyncLease" ("id", "holder", "runId", "expiresAt") VALUES (1, NULL, NULL, now()) ON CONFLICT DO NOTHING;
