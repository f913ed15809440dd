-- 0011: rescheduling — one row per move of an appointment (who, when, from which slot to which).
CREATE TABLE "appointment_moves" (
    "id" TEXT NOT NULL CONSTRAINT "PK_appointment_moves" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "appointment_id" TEXT NOT NULL,
    "from_start_utc" TEXT NOT NULL,
    "from_station_id" TEXT NOT NULL,
    "to_start_utc" TEXT NOT NULL,
    "to_station_id" TEXT NOT NULL,
    "moved_by" TEXT NOT NULL,
    "moved_utc" TEXT NOT NULL,
    CONSTRAINT "FK_appointment_moves_appointments_appointment_id" FOREIGN KEY ("appointment_id") REFERENCES "appointments" ("id") ON DELETE CASCADE,
    CONSTRAINT "FK_appointment_moves_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT
);

CREATE INDEX "IX_appointment_moves_appointment_id_moved_utc" ON "appointment_moves" ("appointment_id", "moved_utc");
CREATE INDEX "IX_appointment_moves_organisation_id" ON "appointment_moves" ("organisation_id");
