-- 0013: communes with coordinates (slots near me), booking delays and urgent reserve per reason, urgent justification.
CREATE TABLE communes (
    postal_code character varying(5) NOT NULL,
    name_key character varying(100) NOT NULL,
    name character varying(100) NOT NULL,
    latitude double precision NOT NULL,
    longitude double precision NOT NULL,
    CONSTRAINT "PK_communes" PRIMARY KEY (postal_code, name_key)
);
CREATE INDEX "IX_communes_name_key" ON communes (name_key);

ALTER TABLE reasons ADD COLUMN earliest_working_days integer NOT NULL DEFAULT 0;
ALTER TABLE reasons ADD COLUMN latest_days integer NOT NULL DEFAULT 366;
ALTER TABLE reasons ADD COLUMN urgent_percent integer NOT NULL DEFAULT 0;
ALTER TABLE reasons ADD COLUMN urgent_release_hours integer NOT NULL DEFAULT 24;

ALTER TABLE appointments ADD COLUMN urgent_justification character varying(300);
