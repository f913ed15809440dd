-- 0021: implicit decisions (silence rule) and retention per category; the request keeps its silence rule, decision date
-- and anonymisation time; citizens' space links; the record of data exports and erasures; history texts may be blanked
-- (anonymisation), nothing else in an event may change.
ALTER TABLE "request_categories" ADD COLUMN "silence_rule" TEXT NOT NULL DEFAULT 'None';
ALTER TABLE "request_categories" ADD COLUMN "silence_months" INTEGER NOT NULL DEFAULT 2;
ALTER TABLE "request_categories" ADD COLUMN "retention_months" INTEGER NOT NULL DEFAULT 36;
ALTER TABLE "citizen_requests" ADD COLUMN "silence_rule" TEXT NOT NULL DEFAULT 'None';
ALTER TABLE "citizen_requests" ADD COLUMN "implicit_decision_on" TEXT NULL;
ALTER TABLE "citizen_requests" ADD COLUMN "anonymised_utc" TEXT NULL;
ALTER TABLE "citizen_requests" ADD COLUMN "email_key" TEXT NULL;
UPDATE "citizen_requests" SET "email_key" = lower(trim("email")) WHERE "email" IS NOT NULL;
CREATE INDEX "IX_citizen_requests_email_key" ON "citizen_requests" ("email_key");

CREATE TABLE "citizen_space_links" (
    "id" TEXT NOT NULL CONSTRAINT "PK_citizen_space_links" PRIMARY KEY,
    "token_hash" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "created_utc" TEXT NOT NULL,
    "expires_utc" TEXT NOT NULL
);

CREATE TABLE "request_data_actions" (
    "id" TEXT NOT NULL CONSTRAINT "PK_request_data_actions" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "agent_id" TEXT NULL,
    "kind" TEXT NOT NULL,
    "request_count" INTEGER NOT NULL,
    "format" TEXT NULL,
    "reason" TEXT NULL,
    "at_utc" TEXT NOT NULL,
    CONSTRAINT "FK_request_data_actions_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT
);

CREATE UNIQUE INDEX "IX_citizen_space_links_token_hash" ON "citizen_space_links" ("token_hash");

CREATE INDEX "IX_citizen_space_links_email_created_utc" ON "citizen_space_links" ("email", "created_utc");

CREATE INDEX "IX_citizen_space_links_expires_utc" ON "citizen_space_links" ("expires_utc");

CREATE INDEX "IX_request_data_actions_organisation_id_at_utc" ON "request_data_actions" ("organisation_id", "at_utc");

-- Anonymisation blanks an event's text; any other change to an event is still refused.
DROP TRIGGER "request_events_append_only";
CREATE TRIGGER "request_events_append_only" BEFORE UPDATE ON "request_events"
WHEN NOT (NEW."text" IS NULL
    AND NEW."id" IS OLD."id" AND NEW."organisation_id" IS OLD."organisation_id" AND NEW."request_id" IS OLD."request_id"
    AND NEW."at_utc" IS OLD."at_utc" AND NEW."kind" IS OLD."kind" AND NEW."agent_id" IS OLD."agent_id"
    AND NEW."from_status" IS OLD."from_status" AND NEW."to_status" IS OLD."to_status" AND NEW."public" IS OLD."public")
BEGIN
    SELECT RAISE(ABORT, 'request_events is append-only');
END;

CREATE TRIGGER "request_data_actions_append_only" BEFORE UPDATE ON "request_data_actions"
BEGIN
    SELECT RAISE(ABORT, 'request_data_actions is append-only');
END;
