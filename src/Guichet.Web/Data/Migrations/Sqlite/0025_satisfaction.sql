-- 0025: satisfaction surveys (one per honoured appointment or answered request, unique keys) and per-organisation survey settings.
CREATE TABLE "satisfaction_settings" (
    "organisation_id" TEXT NOT NULL CONSTRAINT "PK_satisfaction_settings" PRIMARY KEY,
    "enabled" INTEGER NOT NULL,
    "delay_hours" INTEGER NOT NULL,
    "enabled_since_utc" TEXT NOT NULL,
    "updated_utc" TEXT NOT NULL,
    "updated_by_agent_id" TEXT NULL,
    CONSTRAINT "FK_satisfaction_settings_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE CASCADE
);
CREATE TABLE "satisfaction_surveys" (
    "id" TEXT NOT NULL CONSTRAINT "PK_satisfaction_surveys" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "appointment_id" TEXT NULL,
    "request_id" TEXT NULL,
    "site_id" TEXT NULL,
    "unit_id" TEXT NULL,
    "channel" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "sent_utc" TEXT NOT NULL,
    "expires_utc" TEXT NOT NULL,
    "answered_utc" TEXT NULL,
    "overall" INTEGER NULL,
    "delay" INTEGER NULL,
    "clarity" INTEGER NULL,
    "comment" TEXT NULL,
    "comment_removed_utc" TEXT NULL,
    CONSTRAINT "FK_satisfaction_surveys_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT
);
CREATE UNIQUE INDEX "IX_satisfaction_surveys_appointment_id" ON "satisfaction_surveys" ("appointment_id");
CREATE INDEX "IX_satisfaction_surveys_organisation_id_sent_utc" ON "satisfaction_surveys" ("organisation_id", "sent_utc");
CREATE UNIQUE INDEX "IX_satisfaction_surveys_request_id" ON "satisfaction_surveys" ("request_id");
CREATE UNIQUE INDEX "IX_satisfaction_surveys_token_hash" ON "satisfaction_surveys" ("token_hash");
CREATE INDEX "IX_request_events_satisfaction" ON "request_events" ("organisation_id", "kind", "at_utc");
