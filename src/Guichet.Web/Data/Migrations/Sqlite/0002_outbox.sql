-- 0002: the outbox — every message to a citizen, written in the same transaction as its cause, sent by the dispatcher.
CREATE TABLE "outbox_messages" (
    "id" TEXT NOT NULL CONSTRAINT "PK_outbox_messages" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "appointment_id" TEXT NULL,
    "kind" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "subject" TEXT NULL,
    "body" text NOT NULL,
    "html_body" text NULL,
    "calendar" text NULL,
    "scheduled_utc" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "next_attempt_utc" TEXT NOT NULL,
    "claim_token" TEXT NULL,
    "lease_until_utc" TEXT NULL,
    "last_error" TEXT NULL,
    "provider_reference" TEXT NULL,
    "sent_utc" TEXT NULL,
    "created_utc" TEXT NOT NULL,
    CONSTRAINT "FK_outbox_messages_appointments_appointment_id" FOREIGN KEY ("appointment_id") REFERENCES "appointments" ("id") ON DELETE CASCADE,
    CONSTRAINT "FK_outbox_messages_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT
);

CREATE INDEX "IX_outbox_messages_appointment_id" ON "outbox_messages" ("appointment_id");

CREATE UNIQUE INDEX "IX_outbox_messages_idempotency_key" ON "outbox_messages" ("idempotency_key");

CREATE INDEX "IX_outbox_messages_organisation_id" ON "outbox_messages" ("organisation_id");

CREATE INDEX "IX_outbox_messages_status_next_attempt_utc" ON "outbox_messages" ("status", "next_attempt_utc");
