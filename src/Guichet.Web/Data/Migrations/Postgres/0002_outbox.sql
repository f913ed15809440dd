-- 0002: the outbox — every message to a citizen, written in the same transaction as its cause, sent by the dispatcher.
CREATE TABLE outbox_messages (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    appointment_id character varying(64),
    kind character varying(32) NOT NULL,
    channel character varying(16) NOT NULL,
    recipient character varying(254) NOT NULL,
    subject character varying(300),
    body text NOT NULL,
    html_body text,
    calendar text,
    scheduled_utc timestamp with time zone NOT NULL,
    idempotency_key character varying(200) NOT NULL,
    status character varying(16) NOT NULL,
    attempts integer NOT NULL,
    next_attempt_utc timestamp with time zone NOT NULL,
    claim_token character varying(64),
    lease_until_utc timestamp with time zone,
    last_error character varying(500),
    provider_reference character varying(300),
    sent_utc timestamp with time zone,
    created_utc timestamp with time zone NOT NULL,
    CONSTRAINT "PK_outbox_messages" PRIMARY KEY (id),
    CONSTRAINT "FK_outbox_messages_appointments_appointment_id" FOREIGN KEY (appointment_id) REFERENCES appointments (id) ON DELETE CASCADE,
    CONSTRAINT "FK_outbox_messages_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT
);

CREATE INDEX "IX_outbox_messages_appointment_id" ON outbox_messages (appointment_id);

CREATE UNIQUE INDEX "IX_outbox_messages_idempotency_key" ON outbox_messages (idempotency_key);

CREATE INDEX "IX_outbox_messages_organisation_id" ON outbox_messages (organisation_id);

CREATE INDEX "IX_outbox_messages_status_next_attempt_utc" ON outbox_messages (status, next_attempt_utc);
