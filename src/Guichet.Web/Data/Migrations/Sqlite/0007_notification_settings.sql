-- 0007: per-organisation message settings (the reminder's delay; no row: 48 hours).
CREATE TABLE "notification_settings" (
    "organisation_id" TEXT NOT NULL CONSTRAINT "PK_notification_settings" PRIMARY KEY,
    "reminder_hours" INTEGER NOT NULL,
    "updated_utc" TEXT NOT NULL,
    "updated_by_agent_id" TEXT NULL,
    CONSTRAINT "FK_notification_settings_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE CASCADE
);
