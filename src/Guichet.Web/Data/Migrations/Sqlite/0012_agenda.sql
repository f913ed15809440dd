-- 0012: outcomes at the counter (who marked them and when) and the agents' secret calendar feeds.
-- The status column is text: the new values (Honoured, NoShow, Excused) need no change, existing rows keep theirs.
ALTER TABLE "appointments" ADD COLUMN "outcome_utc" TEXT NULL;
ALTER TABLE "appointments" ADD COLUMN "outcome_by" TEXT NULL;

CREATE TABLE "calendar_feeds" (
    "id" TEXT NOT NULL CONSTRAINT "PK_calendar_feeds" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "owner_id" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_utc" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    CONSTRAINT "FK_calendar_feeds_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT
);
CREATE UNIQUE INDEX "IX_calendar_feeds_kind_owner_id" ON "calendar_feeds" ("kind", "owner_id");
CREATE INDEX "IX_calendar_feeds_organisation_id" ON "calendar_feeds" ("organisation_id");
CREATE UNIQUE INDEX "IX_calendar_feeds_token_hash" ON "calendar_feeds" ("token_hash");
