-- AlterEnum
ALTER TYPE "SyncTrigger" ADD VALUE 'start';
