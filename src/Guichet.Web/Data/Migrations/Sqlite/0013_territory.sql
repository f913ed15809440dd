-- 0013: communes with coordinates (slots near me), booking delays and urgent reserve per reason, urgent justification.
CREATE TABLE "communes" (
    "postal_code" TEXT NOT NULL,
    "name_key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "latitude" REAL NOT NULL,
    "longitude" REAL NOT NULL,
    CONSTRAINT "PK_communes" PRIMARY KEY ("postal_code", "name_key")
);
CREATE INDEX "IX_communes_name_key" ON "communes" ("name_key");

ALTER TABLE "reasons" ADD COLUMN "earliest_working_days" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "reasons" ADD COLUMN "latest_days" INTEGER NOT NULL DEFAULT 366;
ALTER TABLE "reasons" ADD COLUMN "urgent_percent" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "reasons" ADD COLUMN "urgent_release_hours" INTEGER NOT NULL DEFAULT 24;

ALTER TABLE "appointments" ADD COLUMN "urgent_justification" TEXT NULL;
