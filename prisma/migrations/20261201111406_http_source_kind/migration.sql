-- AlterEnum
ALTER TYPE "SourceKind" ADD VALUE 'http';
