-- 0005: ANTS coordination — per-organisation policy, each appointment's check with ANTS, the durable queue of
-- status/declare/delete calls; and on appointments, the local duplicate rule's name key and an agent's override.
ALTER TABLE appointments ADD COLUMN name_key character varying(200);
ALTER TABLE appointments ADD COLUMN duplicate_justification character varying(500);
CREATE INDEX "IX_appointments_name_key" ON appointments (name_key);

CREATE TABLE ants_policies (
    organisation_id character varying(64) NOT NULL,
    elsewhere character varying(16) NOT NULL,
    updated_utc timestamp with time zone NOT NULL,
    updated_by_agent_id character varying(64),
    CONSTRAINT "PK_ants_policies" PRIMARY KEY (organisation_id),
    CONSTRAINT "FK_ants_policies_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE CASCADE
);

CREATE TABLE ants_checks (
    appointment_id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    state character varying(16) NOT NULL,
    note character varying(1000),
    checked_utc timestamp with time zone,
    created_utc timestamp with time zone NOT NULL,
    CONSTRAINT "PK_ants_checks" PRIMARY KEY (appointment_id),
    CONSTRAINT "FK_ants_checks_appointments_appointment_id" FOREIGN KEY (appointment_id) REFERENCES appointments (id) ON DELETE CASCADE,
    CONSTRAINT "FK_ants_checks_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT
);
CREATE INDEX "IX_ants_checks_organisation_id" ON ants_checks (organisation_id);

CREATE TABLE ants_sync_jobs (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    appointment_id character varying(64) NOT NULL,
    seq integer NOT NULL,
    kind character varying(16) NOT NULL,
    application_ids character varying(250) NOT NULL,
    meeting_point_id character varying(64) NOT NULL,
    meeting_point character varying(200) NOT NULL,
    local_start character varying(19) NOT NULL,
    management_url character varying(500),
    deposit boolean NOT NULL,
    status character varying(16) NOT NULL,
    attempts integer NOT NULL,
    next_attempt_utc timestamp with time zone NOT NULL,
    claim_token character varying(64),
    lease_until_utc timestamp with time zone,
    last_error character varying(500),
    created_utc timestamp with time zone NOT NULL,
    done_utc timestamp with time zone,
    CONSTRAINT "PK_ants_sync_jobs" PRIMARY KEY (id),
    CONSTRAINT "FK_ants_sync_jobs_appointments_appointment_id" FOREIGN KEY (appointment_id) REFERENCES appointments (id) ON DELETE CASCADE,
    CONSTRAINT "FK_ants_sync_jobs_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT
);
CREATE UNIQUE INDEX "IX_ants_sync_jobs_appointment_id_seq" ON ants_sync_jobs (appointment_id, seq);
CREATE INDEX "IX_ants_sync_jobs_organisation_id" ON ants_sync_jobs (organisation_id);
CREATE INDEX "IX_ants_sync_jobs_status_next_attempt_utc" ON ants_sync_jobs (status, next_attempt_utc);

-- One row per pre-request number held by an active appointment: the database's word on "one number, one appointment".
CREATE TABLE application_holds (
    application_id character varying(64) NOT NULL,
    appointment_id character varying(64) NOT NULL,
    until_utc timestamp with time zone NOT NULL,
    CONSTRAINT "PK_application_holds" PRIMARY KEY (application_id),
    CONSTRAINT "FK_application_holds_appointments_appointment_id" FOREIGN KEY (appointment_id) REFERENCES appointments (id) ON DELETE CASCADE
);
CREATE INDEX "IX_application_holds_appointment_id" ON application_holds (appointment_id);
