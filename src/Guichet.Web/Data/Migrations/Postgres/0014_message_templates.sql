-- 0014: an organisation's own message texts, per kind and channel (no row: the default text).
CREATE TABLE message_templates (
    organisation_id character varying(64) NOT NULL,
    kind character varying(32) NOT NULL,
    channel character varying(16) NOT NULL,
    subject character varying(200),
    body character varying(4000) NOT NULL,
    gsm_safe boolean NOT NULL,
    updated_utc timestamp with time zone NOT NULL,
    updated_by_agent_id character varying(64),
    CONSTRAINT "PK_message_templates" PRIMARY KEY (organisation_id, kind, channel),
    CONSTRAINT "FK_message_templates_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE CASCADE
);
