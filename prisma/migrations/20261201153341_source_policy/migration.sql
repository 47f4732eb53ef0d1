-- CreateEnum
CREATE TYPE "ActivationPolicy" AS ENUM ('clean', 'always', 'never');

-- AlterEnum
ALTER TYPE "SyncTrigger" ADD VALUE 'schedule';

-- AlterTable
ALTER TABLE "PluginSource" ADD COLUMN     "activationPolicy" "ActivationPolicy" NOT NULL DEFAULT 'always',
ADD COLUMN     "allowPlugins" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "denyPlugins" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "lastAttemptAt" TIMESTAMP(3),
ADD COLUMN     "lastSuccessAt" TIMESTAMP(3),
ADD COLUMN     "nextSyncAt" TIMESTAMP(3),
ADD COLUMN     "syncFailures" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "syncIntervalMinutes" INTEGER;

-- AlterTable
ALTER TABLE "SyncRun" ADD COLUMN     "notActivated" JSONB;
