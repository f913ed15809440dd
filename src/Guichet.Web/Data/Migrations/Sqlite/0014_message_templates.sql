-- 0014: an organisation's own message texts, per kind and channel (no row: the default text).
CREATE TABLE "message_templates" (
    "organisation_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "subject" TEXT NULL,
    "body" TEXT NOT NULL,
    "gsm_safe" INTEGER NOT NULL,
    "updated_utc" TEXT NOT NULL,
    "updated_by_agent_id" TEXT NULL,
    CONSTRAINT "PK_message_templates" PRIMARY KEY ("organisation_id", "kind", "channel"),
    CONSTRAINT "FK_message_templates_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE CASCADE
);
