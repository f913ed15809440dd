-- 0025: satisfaction surveys (one per honoured appointment or answered request, unique keys) and per-organisation survey settings.
CREATE TABLE satisfaction_settings (
    organisation_id character varying(64) NOT NULL,
    enabled boolean NOT NULL,
    delay_hours integer NOT NULL,
    enabled_since_utc timestamp with time zone NOT NULL,
    updated_utc timestamp with time zone NOT NULL,
    updated_by_agent_id character varying(64),
    CONSTRAINT "PK_satisfaction_settings" PRIMARY KEY (organisation_id),
    CONSTRAINT "FK_satisfaction_settings_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE CASCADE
);
CREATE TABLE satisfaction_surveys (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    subject character varying(16) NOT NULL,
    appointment_id character varying(64),
    request_id character varying(64),
    site_id character varying(64),
    unit_id character varying(64),
    channel character varying(16) NOT NULL,
    token_hash character varying(64) NOT NULL,
    sent_utc timestamp with time zone NOT NULL,
    expires_utc timestamp with time zone NOT NULL,
    answered_utc timestamp with time zone,
    overall integer,
    delay integer,
    clarity integer,
    comment character varying(1000),
    comment_removed_utc timestamp with time zone,
    CONSTRAINT "PK_satisfaction_surveys" PRIMARY KEY (id),
    CONSTRAINT "FK_satisfaction_surveys_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT
);
CREATE UNIQUE INDEX "IX_satisfaction_surveys_appointment_id" ON satisfaction_surveys (appointment_id);
CREATE INDEX "IX_satisfaction_surveys_organisation_id_sent_utc" ON satisfaction_surveys (organisation_id, sent_utc);
CREATE UNIQUE INDEX "IX_satisfaction_surveys_request_id" ON satisfaction_surveys (request_id);
CREATE UNIQUE INDEX "IX_satisfaction_surveys_token_hash" ON satisfaction_surveys (token_hash);
CREATE INDEX "IX_request_events_satisfaction" ON request_events (organisation_id, kind, at_utc);
