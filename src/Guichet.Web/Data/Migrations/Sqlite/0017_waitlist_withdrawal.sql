-- 0017: waiting list (entries, offers, freed-slot jobs), deposits of applications and withdrawal delays per reason.
CREATE TABLE "waitlist_entries" (
    "id" TEXT NOT NULL CONSTRAINT "PK_waitlist_entries" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "site_ids" TEXT NOT NULL,
    "near_latitude" REAL NULL,
    "near_longitude" REAL NULL,
    "radius_km" INTEGER NULL,
    "near_label" TEXT NULL,
    "reason_code" TEXT NOT NULL,
    "persons" INTEGER NOT NULL,
    "not_before" TEXT NULL,
    "not_after" TEXT NOT NULL,
    "first_name" TEXT NOT NULL,
    "last_name" TEXT NOT NULL,
    "email" TEXT NULL,
    "phone" TEXT NULL,
    "appointment_id" TEXT NULL,
    "token_hash" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "created_utc" TEXT NOT NULL,
    "closed_utc" TEXT NULL,
    CONSTRAINT "FK_waitlist_entries_appointments_appointment_id" FOREIGN KEY ("appointment_id") REFERENCES "appointments" ("id") ON DELETE CASCADE,
    CONSTRAINT "FK_waitlist_entries_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT
);

CREATE TABLE "waitlist_offers" (
    "id" TEXT NOT NULL CONSTRAINT "PK_waitlist_offers" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "entry_id" TEXT NOT NULL,
    "site_id" TEXT NOT NULL,
    "reason_code" TEXT NOT NULL,
    "start_utc" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "created_utc" TEXT NOT NULL,
    "expires_utc" TEXT NOT NULL,
    "answered_utc" TEXT NULL,
    "appointment_id" TEXT NULL,
    CONSTRAINT "FK_waitlist_offers_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT,
    CONSTRAINT "FK_waitlist_offers_sites_site_id" FOREIGN KEY ("site_id") REFERENCES "sites" ("id") ON DELETE RESTRICT,
    CONSTRAINT "FK_waitlist_offers_waitlist_entries_entry_id" FOREIGN KEY ("entry_id") REFERENCES "waitlist_entries" ("id") ON DELETE CASCADE
);

CREATE TABLE "waitlist_jobs" (
    "id" TEXT NOT NULL CONSTRAINT "PK_waitlist_jobs" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "site_id" TEXT NOT NULL,
    "station_id" TEXT NOT NULL,
    "from_utc" TEXT NOT NULL,
    "to_utc" TEXT NOT NULL,
    "created_utc" TEXT NOT NULL,
    "claim_token" TEXT NULL,
    "lease_until_utc" TEXT NULL,
    "processed_utc" TEXT NULL,
    CONSTRAINT "FK_waitlist_jobs_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT,
    CONSTRAINT "FK_waitlist_jobs_sites_site_id" FOREIGN KEY ("site_id") REFERENCES "sites" ("id") ON DELETE RESTRICT
);

CREATE TABLE "application_deposits" (
    "id" TEXT NOT NULL CONSTRAINT "PK_application_deposits" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "appointment_id" TEXT NOT NULL,
    "site_id" TEXT NOT NULL,
    "reason_code" TEXT NOT NULL,
    "deposited_on" TEXT NOT NULL,
    "deposited_utc" TEXT NOT NULL,
    "deposited_by" TEXT NOT NULL,
    "earliest_withdrawal" TEXT NOT NULL,
    "ready_utc" TEXT NULL,
    "ready_by" TEXT NULL,
    "ready_token_hash" TEXT NULL,
    "withdrawal_appointment_id" TEXT NULL,
    CONSTRAINT "FK_application_deposits_appointments_appointment_id" FOREIGN KEY ("appointment_id") REFERENCES "appointments" ("id") ON DELETE CASCADE,
    CONSTRAINT "FK_application_deposits_appointments_withdrawal_appointment_id" FOREIGN KEY ("withdrawal_appointment_id") REFERENCES "appointments" ("id") ON DELETE SET NULL,
    CONSTRAINT "FK_application_deposits_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT,
    CONSTRAINT "FK_application_deposits_sites_site_id" FOREIGN KEY ("site_id") REFERENCES "sites" ("id") ON DELETE RESTRICT
);

CREATE UNIQUE INDEX "IX_application_deposits_appointment_id" ON "application_deposits" ("appointment_id");
CREATE INDEX "IX_application_deposits_organisation_id_deposited_utc" ON "application_deposits" ("organisation_id", "deposited_utc");
CREATE INDEX "IX_application_deposits_site_id" ON "application_deposits" ("site_id");
CREATE INDEX "IX_application_deposits_withdrawal_appointment_id" ON "application_deposits" ("withdrawal_appointment_id");
CREATE INDEX "IX_waitlist_entries_appointment_id" ON "waitlist_entries" ("appointment_id");
CREATE INDEX "IX_waitlist_entries_organisation_id" ON "waitlist_entries" ("organisation_id");
CREATE INDEX "IX_waitlist_entries_status_created_utc" ON "waitlist_entries" ("status", "created_utc");
CREATE INDEX "IX_waitlist_jobs_organisation_id" ON "waitlist_jobs" ("organisation_id");
CREATE INDEX "IX_waitlist_jobs_processed_utc_created_utc" ON "waitlist_jobs" ("processed_utc", "created_utc");
CREATE INDEX "IX_waitlist_jobs_site_id" ON "waitlist_jobs" ("site_id");
CREATE UNIQUE INDEX "IX_waitlist_offers_entry_id_site_id_start_utc" ON "waitlist_offers" ("entry_id", "site_id", "start_utc");
CREATE INDEX "IX_waitlist_offers_organisation_id" ON "waitlist_offers" ("organisation_id");
CREATE INDEX "IX_waitlist_offers_site_id_start_utc" ON "waitlist_offers" ("site_id", "start_utc");
CREATE INDEX "IX_waitlist_offers_status_expires_utc" ON "waitlist_offers" ("status", "expires_utc");

ALTER TABLE "reasons" ADD COLUMN "instruction_working_days" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "reasons" ADD COLUMN "manufacturing_working_days" INTEGER NOT NULL DEFAULT 0;
