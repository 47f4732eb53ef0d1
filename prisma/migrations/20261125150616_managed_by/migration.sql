-- AlterTable
ALTER TABLE "PluginSource" ADD COLUMN     "managedBy" TEXT;

-- AlterTable
ALTER TABLE "CacheConfig" ADD COLUMN     "managedBy" TEXT;
