-- 0017: waiting list (entries, offers, freed-slot jobs), deposits of applications and withdrawal delays per reason.
CREATE TABLE waitlist_entries (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    site_ids character varying(1000) NOT NULL,
    near_latitude double precision,
    near_longitude double precision,
    radius_km integer,
    near_label character varying(100),
    reason_code character varying(32) NOT NULL,
    persons integer NOT NULL,
    not_before date,
    not_after date NOT NULL,
    first_name character varying(100) NOT NULL,
    last_name character varying(100) NOT NULL,
    email character varying(254),
    phone character varying(20),
    appointment_id character varying(64),
    token_hash character varying(64) NOT NULL,
    status character varying(16) NOT NULL,
    created_utc timestamp with time zone NOT NULL,
    closed_utc timestamp with time zone,
    CONSTRAINT "PK_waitlist_entries" PRIMARY KEY (id),
    CONSTRAINT "FK_waitlist_entries_appointments_appointment_id" FOREIGN KEY (appointment_id) REFERENCES appointments (id) ON DELETE CASCADE,
    CONSTRAINT "FK_waitlist_entries_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT
);

CREATE TABLE waitlist_offers (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    entry_id character varying(64) NOT NULL,
    site_id character varying(64) NOT NULL,
    reason_code character varying(32) NOT NULL,
    start_utc timestamp with time zone NOT NULL,
    token_hash character varying(64) NOT NULL,
    status character varying(16) NOT NULL,
    created_utc timestamp with time zone NOT NULL,
    expires_utc timestamp with time zone NOT NULL,
    answered_utc timestamp with time zone,
    appointment_id character varying(64),
    CONSTRAINT "PK_waitlist_offers" PRIMARY KEY (id),
    CONSTRAINT "FK_waitlist_offers_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT,
    CONSTRAINT "FK_waitlist_offers_sites_site_id" FOREIGN KEY (site_id) REFERENCES sites (id) ON DELETE RESTRICT,
    CONSTRAINT "FK_waitlist_offers_waitlist_entries_entry_id" FOREIGN KEY (entry_id) REFERENCES waitlist_entries (id) ON DELETE CASCADE
);

CREATE TABLE waitlist_jobs (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    site_id character varying(64) NOT NULL,
    station_id character varying(64) NOT NULL,
    from_utc timestamp with time zone NOT NULL,
    to_utc timestamp with time zone NOT NULL,
    created_utc timestamp with time zone NOT NULL,
    claim_token character varying(64),
    lease_until_utc timestamp with time zone,
    processed_utc timestamp with time zone,
    CONSTRAINT "PK_waitlist_jobs" PRIMARY KEY (id),
    CONSTRAINT "FK_waitlist_jobs_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT,
    CONSTRAINT "FK_waitlist_jobs_sites_site_id" FOREIGN KEY (site_id) REFERENCES sites (id) ON DELETE RESTRICT
);

CREATE TABLE application_deposits (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    appointment_id character varying(64) NOT NULL,
    site_id character varying(64) NOT NULL,
    reason_code character varying(32) NOT NULL,
    deposited_on date NOT NULL,
    deposited_utc timestamp with time zone NOT NULL,
    deposited_by character varying(64) NOT NULL,
    earliest_withdrawal date NOT NULL,
    ready_utc timestamp with time zone,
    ready_by character varying(64),
    ready_token_hash character varying(64),
    withdrawal_appointment_id character varying(64),
    CONSTRAINT "PK_application_deposits" PRIMARY KEY (id),
    CONSTRAINT "FK_application_deposits_appointments_appointment_id" FOREIGN KEY (appointment_id) REFERENCES appointments (id) ON DELETE CASCADE,
    CONSTRAINT "FK_application_deposits_appointments_withdrawal_appointment_id" FOREIGN KEY (withdrawal_appointment_id) REFERENCES appointments (id) ON DELETE SET NULL,
    CONSTRAINT "FK_application_deposits_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT,
    CONSTRAINT "FK_application_deposits_sites_site_id" FOREIGN KEY (site_id) REFERENCES sites (id) ON DELETE RESTRICT
);

CREATE UNIQUE INDEX "IX_application_deposits_appointment_id" ON application_deposits (appointment_id);
CREATE INDEX "IX_application_deposits_organisation_id_deposited_utc" ON application_deposits (organisation_id, deposited_utc);
CREATE INDEX "IX_application_deposits_site_id" ON application_deposits (site_id);
CREATE INDEX "IX_application_deposits_withdrawal_appointment_id" ON application_deposits (withdrawal_appointment_id);
CREATE INDEX "IX_waitlist_entries_appointment_id" ON waitlist_entries (appointment_id);
CREATE INDEX "IX_waitlist_entries_organisation_id" ON waitlist_entries (organisation_id);
CREATE INDEX "IX_waitlist_entries_status_created_utc" ON waitlist_entries (status, created_utc);
CREATE INDEX "IX_waitlist_jobs_organisation_id" ON waitlist_jobs (organisation_id);
CREATE INDEX "IX_waitlist_jobs_processed_utc_created_utc" ON waitlist_jobs (processed_utc, created_utc);
CREATE INDEX "IX_waitlist_jobs_site_id" ON waitlist_jobs (site_id);
CREATE UNIQUE INDEX "IX_waitlist_offers_entry_id_site_id_start_utc" ON waitlist_offers (entry_id, site_id, start_utc);
CREATE INDEX "IX_waitlist_offers_organisation_id" ON waitlist_offers (organisation_id);
CREATE INDEX "IX_waitlist_offers_site_id_start_utc" ON waitlist_offers (site_id, start_utc);
CREATE INDEX "IX_waitlist_offers_status_expires_utc" ON waitlist_offers (status, expires_utc);

ALTER TABLE reasons ADD COLUMN instruction_working_days integer NOT NULL DEFAULT 0;
ALTER TABLE reasons ADD COLUMN manufacturing_working_days integer NOT NULL DEFAULT 0;
