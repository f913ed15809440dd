-- One active appointment per person, held by the database (see PersonHold): keys are SHA-256 of name and contact.
CREATE TABLE person_holds (
    key character varying(64) NOT NULL,
    appointment_id character varying(64) NOT NULL,
    until_utc timestamp with time zone NOT NULL,
    CONSTRAINT "PK_person_holds" PRIMARY KEY (key),
    CONSTRAINT "FK_person_holds_appointments_appointment_id" FOREIGN KEY (appointment_id) REFERENCES appointments (id) ON DELETE CASCADE
);
CREATE INDEX "IX_person_holds_appointment_id" ON person_holds (appointment_id);
