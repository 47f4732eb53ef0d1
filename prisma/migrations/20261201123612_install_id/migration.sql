-- CreateTable
CREATE TABLE "Install" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "installId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Install_pkey" PRIMARY KEY ("id")
);

-- One row, made here once: the install's id never changes afterwards (a restored backup is the same install).
ALTER TABLE "Install" ADD CONSTRAINT "Install_singleton" CHECK ("id" = 1);
INSERT INTO "Install" ("id", "installId") VALUES (1, gen_random_uuid()::text) ON CONFLICT DO NOTHING;
