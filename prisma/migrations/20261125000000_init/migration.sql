-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'member');

-- CreateEnum
CREATE TYPE "SourceKind" AS ENUM ('git', 's3', 'fs');

-- CreateEnum
CREATE TYPE "CacheKind" AS ENUM ('fs', 's3');

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'member',
    "locale" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PluginSource" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "SourceKind" NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "settings" JSONB NOT NULL,
    "secret" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PluginSource_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PluginSet" (
    "id" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "submodule" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "importModules" TEXT[],
    "position" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PluginSet_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CacheConfig" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "kind" "CacheKind" NOT NULL,
    "settings" JSONB NOT NULL,
    "secret" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CacheConfig_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT,
    "targetName" TEXT,
    "summary" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

-- CreateIndex
CREATE UNIQUE INDEX "PluginSource_name_key" ON "PluginSource"("name");

-- CreateIndex
CREATE UNIQUE INDEX "PluginSet_sourceId_submodule_key" ON "PluginSet"("sourceId", "submodule");

-- CreateIndex
CREATE INDEX "AuditEvent_createdAt_idx" ON "AuditEvent"("createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_targetType_targetName_idx" ON "AuditEvent"("targetType", "targetName");

-- AddForeignKey
ALTER TABLE "PluginSet" ADD CONSTRAINT "PluginSet_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "PluginSource"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Exactly one cache configuration row.
ALTER TABLE "CacheConfig" ADD CONSTRAINT "CacheConfig_singleton" CHECK ("id" = 1);
