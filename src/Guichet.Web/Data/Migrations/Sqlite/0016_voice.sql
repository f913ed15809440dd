-- 0016: the voice server: calls and their dialogue state, slots held while a caller confirms, messages left.
CREATE TABLE "voice_calls" (
    "id" TEXT NOT NULL CONSTRAINT "PK_voice_calls" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "door" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "started_utc" TEXT NOT NULL,
    "updated_utc" TEXT NOT NULL,
    "ended_utc" TEXT NULL,
    "path" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "duration_seconds" INTEGER NULL,
    "appointment_id" TEXT NULL,
    CONSTRAINT "FK_voice_calls_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT
);

CREATE TABLE "voice_messages" (
    "id" TEXT NOT NULL CONSTRAINT "PK_voice_messages" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "site_id" TEXT NULL,
    "call_id" TEXT NOT NULL,
    "callback_number" TEXT NULL,
    "recording_path" TEXT NOT NULL,
    "duration_seconds" INTEGER NOT NULL,
    "created_utc" TEXT NOT NULL,
    "citizen_request_id" TEXT NULL,
    CONSTRAINT "FK_voice_messages_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT,
    CONSTRAINT "FK_voice_messages_sites_site_id" FOREIGN KEY ("site_id") REFERENCES "sites" ("id") ON DELETE SET NULL
);

CREATE TABLE "voice_holds" (
    "station_id" TEXT NOT NULL,
    "unit" INTEGER NOT NULL,
    "call_id" TEXT NOT NULL,
    "expires_utc" TEXT NOT NULL,
    CONSTRAINT "PK_voice_holds" PRIMARY KEY ("station_id", "unit"),
    CONSTRAINT "FK_voice_holds_stations_station_id" FOREIGN KEY ("station_id") REFERENCES "stations" ("id") ON DELETE CASCADE
);

CREATE INDEX "IX_voice_calls_organisation_id_started_utc" ON "voice_calls" ("organisation_id", "started_utc");

CREATE INDEX "IX_voice_holds_call_id" ON "voice_holds" ("call_id");

CREATE INDEX "IX_voice_messages_organisation_id_created_utc" ON "voice_messages" ("organisation_id", "created_utc");

CREATE INDEX "IX_voice_messages_site_id" ON "voice_messages" ("site_id");
