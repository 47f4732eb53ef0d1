-- AlterEnum
ALTER TYPE "SyncTrigger" ADD VALUE 'webhook';

-- AlterTable
ALTER TABLE "PluginSource" ADD COLUMN     "webhookSecret" TEXT;

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "sourceId" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("sourceId","host","deliveryId")
);

-- CreateTable
CREATE TABLE "WebhookState" (
    "sourceId" TEXT NOT NULL,
    "queuedAt" TIMESTAMP(3),
    "requested" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebhookState_pkey" PRIMARY KEY ("sourceId")
);

-- CreateIndex
CREATE INDEX "WebhookDelivery_expiresAt_idx" ON "WebhookDelivery"("expiresAt");

-- AddForeignKey
ALTER TABLE "WebhookState" ADD CONSTRAINT "WebhookState_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "PluginSource"("id") ON DELETE CASCADE ON UPDATE CASCADE;
