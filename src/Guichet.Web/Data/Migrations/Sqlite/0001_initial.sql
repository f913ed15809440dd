-- 0001: the foundation schema (organisations, sites, stations, reasons, opening rules, agents, appointments, slot claims).
CREATE TABLE "organisations" (
    "id" TEXT NOT NULL CONSTRAINT "PK_organisations" PRIMARY KEY,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "department_code" TEXT NULL,
    "phone" TEXT NULL,
    "email" TEXT NULL,
    "created_utc" TEXT NOT NULL
);


CREATE TABLE "agents" (
    "id" TEXT NOT NULL CONSTRAINT "PK_agents" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "active" INTEGER NOT NULL,
    "failed_sign_ins" INTEGER NOT NULL,
    "locked_until_utc" TEXT NULL,
    "created_utc" TEXT NOT NULL,
    CONSTRAINT "FK_agents_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT
);


CREATE TABLE "partnerships" (
    "id" TEXT NOT NULL CONSTRAINT "PK_partnerships" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "partner_organisation_id" TEXT NOT NULL,
    "created_utc" TEXT NOT NULL,
    CONSTRAINT "FK_partnerships_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT,
    CONSTRAINT "FK_partnerships_organisations_partner_organisation_id" FOREIGN KEY ("partner_organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT
);


CREATE TABLE "reasons" (
    "id" TEXT NOT NULL CONSTRAINT "PK_reasons" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "minutes_per_person" INTEGER NOT NULL,
    "minutes_with_pre_request" INTEGER NOT NULL,
    "max_persons" INTEGER NOT NULL,
    "sort_order" INTEGER NOT NULL,
    CONSTRAINT "FK_reasons_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT
);


CREATE TABLE "sites" (
    "id" TEXT NOT NULL CONSTRAINT "PK_sites" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "postal_code" TEXT NOT NULL,
    "city" TEXT NOT NULL,
    "latitude" REAL NOT NULL,
    "longitude" REAL NOT NULL,
    "time_zone" TEXT NOT NULL,
    "territory" TEXT NOT NULL,
    "phone" TEXT NULL,
    "active" INTEGER NOT NULL,
    CONSTRAINT "FK_sites_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT
);


CREATE TABLE "stations" (
    "id" TEXT NOT NULL CONSTRAINT "PK_stations" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "site_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "active" INTEGER NOT NULL,
    CONSTRAINT "FK_stations_sites_site_id" FOREIGN KEY ("site_id") REFERENCES "sites" ("id") ON DELETE RESTRICT
);


CREATE TABLE "appointments" (
    "id" TEXT NOT NULL CONSTRAINT "PK_appointments" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "site_id" TEXT NOT NULL,
    "station_id" TEXT NOT NULL,
    "reason_code" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "manage_token_hash" TEXT NOT NULL,
    "start_utc" TEXT NOT NULL,
    "end_utc" TEXT NOT NULL,
    "persons" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "first_name" TEXT NOT NULL,
    "last_name" TEXT NOT NULL,
    "email" TEXT NULL,
    "phone" TEXT NULL,
    "pre_request_numbers" TEXT NOT NULL,
    "booked_by_agent_id" TEXT NULL,
    "partner_organisation_id" TEXT NULL,
    "created_utc" TEXT NOT NULL,
    "cancelled_utc" TEXT NULL,
    "cancelled_by" TEXT NULL,
    CONSTRAINT "FK_appointments_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT,
    CONSTRAINT "FK_appointments_sites_site_id" FOREIGN KEY ("site_id") REFERENCES "sites" ("id") ON DELETE RESTRICT,
    CONSTRAINT "FK_appointments_stations_station_id" FOREIGN KEY ("station_id") REFERENCES "stations" ("id") ON DELETE RESTRICT
);


CREATE TABLE "opening_rules" (
    "id" TEXT NOT NULL CONSTRAINT "PK_opening_rules" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "station_id" TEXT NOT NULL,
    "day_of_week" INTEGER NOT NULL,
    "start_time" TEXT NOT NULL,
    "end_time" TEXT NOT NULL,
    "valid_from" TEXT NOT NULL,
    "valid_until" TEXT NULL,
    "reason_codes" TEXT NOT NULL,
    CONSTRAINT "FK_opening_rules_stations_station_id" FOREIGN KEY ("station_id") REFERENCES "stations" ("id") ON DELETE CASCADE
);


CREATE TABLE "slot_claims" (
    "station_id" TEXT NOT NULL,
    "unit" INTEGER NOT NULL,
    "appointment_id" TEXT NOT NULL,
    CONSTRAINT "PK_slot_claims" PRIMARY KEY ("station_id", "unit"),
    CONSTRAINT "FK_slot_claims_appointments_appointment_id" FOREIGN KEY ("appointment_id") REFERENCES "appointments" ("id") ON DELETE CASCADE,
    CONSTRAINT "FK_slot_claims_stations_station_id" FOREIGN KEY ("station_id") REFERENCES "stations" ("id") ON DELETE RESTRICT
);


CREATE UNIQUE INDEX "IX_agents_email" ON "agents" ("email");


CREATE INDEX "IX_agents_organisation_id" ON "agents" ("organisation_id");


CREATE UNIQUE INDEX "IX_appointments_code" ON "appointments" ("code");


CREATE INDEX "IX_appointments_organisation_id_start_utc" ON "appointments" ("organisation_id", "start_utc");


CREATE INDEX "IX_appointments_site_id_start_utc" ON "appointments" ("site_id", "start_utc");


CREATE INDEX "IX_appointments_station_id" ON "appointments" ("station_id");


CREATE INDEX "IX_opening_rules_station_id" ON "opening_rules" ("station_id");


CREATE UNIQUE INDEX "IX_partnerships_organisation_id_partner_organisation_id" ON "partnerships" ("organisation_id", "partner_organisation_id");


CREATE INDEX "IX_partnerships_partner_organisation_id" ON "partnerships" ("partner_organisation_id");


CREATE UNIQUE INDEX "IX_reasons_organisation_id_code" ON "reasons" ("organisation_id", "code");


CREATE INDEX "IX_sites_organisation_id" ON "sites" ("organisation_id");


CREATE INDEX "IX_slot_claims_appointment_id" ON "slot_claims" ("appointment_id");


CREATE INDEX "IX_stations_organisation_id" ON "stations" ("organisation_id");


CREATE INDEX "IX_stations_site_id" ON "stations" ("site_id");



