-- 0006: SMS — segments and delivery status on outbox messages, STOP opt-outs, raw webhook calls (delivery reports, replies).
ALTER TABLE "outbox_messages" ADD COLUMN "segments" INTEGER NULL;
ALTER TABLE "outbox_messages" ADD COLUMN "delivery_status" TEXT NULL;
ALTER TABLE "outbox_messages" ADD COLUMN "delivery_updated_utc" TEXT NULL;

CREATE INDEX "IX_outbox_messages_provider_reference" ON "outbox_messages" ("provider_reference");

CREATE TABLE "sms_opt_outs" (
    "phone" TEXT NOT NULL CONSTRAINT "PK_sms_opt_outs" PRIMARY KEY,
    "provider" TEXT NOT NULL,
    "created_utc" TEXT NOT NULL
);

CREATE TABLE "sms_events" (
    "id" TEXT NOT NULL CONSTRAINT "PK_sms_events" PRIMARY KEY,
    "provider" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "payload_hash" TEXT NOT NULL,
    "payload" text NOT NULL,
    "provider_message_id" TEXT NULL,
    "raw_status" TEXT NULL,
    "outbox_message_id" TEXT NULL,
    "outcome" TEXT NULL,
    "received_utc" TEXT NOT NULL,
    CONSTRAINT "FK_sms_events_outbox_messages_outbox_message_id" FOREIGN KEY ("outbox_message_id") REFERENCES "outbox_messages" ("id") ON DELETE CASCADE
);

CREATE INDEX "IX_sms_events_outbox_message_id" ON "sms_events" ("outbox_message_id");

CREATE UNIQUE INDEX "IX_sms_events_provider_kind_payload_hash" ON "sms_events" ("provider", "kind", "payload_hash");
