-- 0007: per-organisation message settings (the reminder's delay; no row: 48 hours).
CREATE TABLE notification_settings (
    organisation_id character varying(64) NOT NULL,
    reminder_hours integer NOT NULL,
    updated_utc timestamp with time zone NOT NULL,
    updated_by_agent_id character varying(64),
    CONSTRAINT "PK_notification_settings" PRIMARY KEY (organisation_id),
    CONSTRAINT "FK_notification_settings_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE CASCADE
);
