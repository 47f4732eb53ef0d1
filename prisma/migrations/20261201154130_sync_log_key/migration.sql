-- AlterTable
ALTER TABLE "SyncLog" ADD COLUMN     "key" TEXT,
ADD COLUMN     "params" JSONB;
