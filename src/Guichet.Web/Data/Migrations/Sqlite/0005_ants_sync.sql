-- 0005: ANTS coordination — per-organisation policy, each appointment's check with ANTS, the durable queue of
-- status/declare/delete calls; and on appointments, the local duplicate rule's name key and an agent's override.
ALTER TABLE "appointments" ADD COLUMN "name_key" TEXT NULL;
ALTER TABLE "appointments" ADD COLUMN "duplicate_justification" TEXT NULL;
CREATE INDEX "IX_appointments_name_key" ON "appointments" ("name_key");

CREATE TABLE "ants_policies" (
    "organisation_id" TEXT NOT NULL CONSTRAINT "PK_ants_policies" PRIMARY KEY,
    "elsewhere" TEXT NOT NULL,
    "updated_utc" TEXT NOT NULL,
    "updated_by_agent_id" TEXT NULL,
    CONSTRAINT "FK_ants_policies_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE CASCADE
);

CREATE TABLE "ants_checks" (
    "appointment_id" TEXT NOT NULL CONSTRAINT "PK_ants_checks" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "note" TEXT NULL,
    "checked_utc" TEXT NULL,
    "created_utc" TEXT NOT NULL,
    CONSTRAINT "FK_ants_checks_appointments_appointment_id" FOREIGN KEY ("appointment_id") REFERENCES "appointments" ("id") ON DELETE CASCADE,
    CONSTRAINT "FK_ants_checks_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT
);
CREATE INDEX "IX_ants_checks_organisation_id" ON "ants_checks" ("organisation_id");

CREATE TABLE "ants_sync_jobs" (
    "id" TEXT NOT NULL CONSTRAINT "PK_ants_sync_jobs" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "appointment_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "application_ids" TEXT NOT NULL,
    "meeting_point_id" TEXT NOT NULL,
    "meeting_point" TEXT NOT NULL,
    "local_start" TEXT NOT NULL,
    "management_url" TEXT NULL,
    "deposit" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "next_attempt_utc" TEXT NOT NULL,
    "claim_token" TEXT NULL,
    "lease_until_utc" TEXT NULL,
    "last_error" TEXT NULL,
    "created_utc" TEXT NOT NULL,
    "done_utc" TEXT NULL,
    CONSTRAINT "FK_ants_sync_jobs_appointments_appointment_id" FOREIGN KEY ("appointment_id") REFERENCES "appointments" ("id") ON DELETE CASCADE,
    CONSTRAINT "FK_ants_sync_jobs_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT
);
CREATE UNIQUE INDEX "IX_ants_sync_jobs_appointment_id_seq" ON "ants_sync_jobs" ("appointment_id", "seq");
CREATE INDEX "IX_ants_sync_jobs_organisation_id" ON "ants_sync_jobs" ("organisation_id");
CREATE INDEX "IX_ants_sync_jobs_status_next_attempt_utc" ON "ants_sync_jobs" ("status", "next_attempt_utc");

-- One row per pre-request number held by an active appointment: the database's word on "one number, one appointment".
CREATE TABLE "application_holds" (
    "application_id" TEXT NOT NULL CONSTRAINT "PK_application_holds" PRIMARY KEY,
    "appointment_id" TEXT NOT NULL,
    "until_utc" TEXT NOT NULL,
    CONSTRAINT "FK_application_holds_appointments_appointment_id" FOREIGN KEY ("appointment_id") REFERENCES "appointments" ("id") ON DELETE CASCADE
);
CREATE INDEX "IX_application_holds_appointment_id" ON "application_holds" ("appointment_id");
