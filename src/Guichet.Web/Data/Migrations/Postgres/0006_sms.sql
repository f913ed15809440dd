-- 0006: SMS — segments and delivery status on outbox messages, STOP opt-outs, raw webhook calls (delivery reports, replies).
ALTER TABLE outbox_messages ADD COLUMN segments integer;
ALTER TABLE outbox_messages ADD COLUMN delivery_status character varying(16);
ALTER TABLE outbox_messages ADD COLUMN delivery_updated_utc timestamp with time zone;

CREATE INDEX "IX_outbox_messages_provider_reference" ON outbox_messages (provider_reference);

CREATE TABLE sms_opt_outs (
    phone character varying(20) NOT NULL,
    provider character varying(16) NOT NULL,
    created_utc timestamp with time zone NOT NULL,
    CONSTRAINT "PK_sms_opt_outs" PRIMARY KEY (phone)
);

CREATE TABLE sms_events (
    id character varying(64) NOT NULL,
    provider character varying(16) NOT NULL,
    kind character varying(16) NOT NULL,
    payload_hash character varying(64) NOT NULL,
    payload text NOT NULL,
    provider_message_id character varying(64),
    raw_status character varying(64),
    outbox_message_id character varying(64),
    outcome character varying(300),
    received_utc timestamp with time zone NOT NULL,
    CONSTRAINT "PK_sms_events" PRIMARY KEY (id),
    CONSTRAINT "FK_sms_events_outbox_messages_outbox_message_id" FOREIGN KEY (outbox_message_id) REFERENCES outbox_messages (id) ON DELETE CASCADE
);

CREATE INDEX "IX_sms_events_outbox_message_id" ON sms_events (outbox_message_id);

CREATE UNIQUE INDEX "IX_sms_events_provider_kind_payload_hash" ON sms_events (provider, kind, payload_hash);
