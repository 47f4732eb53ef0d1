-- AlterEnum
ALTER TYPE "SyncStatus" ADD VALUE 'unchanged';
