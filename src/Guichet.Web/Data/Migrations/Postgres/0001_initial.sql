-- 0001: the foundation schema (organisations, sites, stations, reasons, opening rules, agents, appointments, slot claims).
CREATE TABLE organisations (
    id character varying(64) NOT NULL,
    name character varying(200) NOT NULL,
    kind character varying(32) NOT NULL,
    department_code character varying(3),
    phone character varying(200),
    email character varying(200),
    created_utc timestamp with time zone NOT NULL,
    CONSTRAINT "PK_organisations" PRIMARY KEY (id)
);


CREATE TABLE agents (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    email character varying(254) NOT NULL,
    display_name character varying(200) NOT NULL,
    password_hash character varying(300) NOT NULL,
    role character varying(32) NOT NULL,
    active boolean NOT NULL,
    failed_sign_ins integer NOT NULL,
    locked_until_utc timestamp with time zone,
    created_utc timestamp with time zone NOT NULL,
    CONSTRAINT "PK_agents" PRIMARY KEY (id),
    CONSTRAINT "FK_agents_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT
);


CREATE TABLE partnerships (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    partner_organisation_id character varying(64) NOT NULL,
    created_utc timestamp with time zone NOT NULL,
    CONSTRAINT "PK_partnerships" PRIMARY KEY (id),
    CONSTRAINT "FK_partnerships_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT,
    CONSTRAINT "FK_partnerships_organisations_partner_organisation_id" FOREIGN KEY (partner_organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT
);


CREATE TABLE reasons (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    code character varying(32) NOT NULL,
    name character varying(200) NOT NULL,
    minutes_per_person integer NOT NULL,
    minutes_with_pre_request integer NOT NULL,
    max_persons integer NOT NULL,
    sort_order integer NOT NULL,
    CONSTRAINT "PK_reasons" PRIMARY KEY (id),
    CONSTRAINT "FK_reasons_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT
);


CREATE TABLE sites (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    name character varying(200) NOT NULL,
    address character varying(200) NOT NULL,
    postal_code character varying(5) NOT NULL,
    city character varying(200) NOT NULL,
    latitude double precision NOT NULL,
    longitude double precision NOT NULL,
    time_zone character varying(64) NOT NULL,
    territory character varying(32) NOT NULL,
    phone character varying(200),
    active boolean NOT NULL,
    CONSTRAINT "PK_sites" PRIMARY KEY (id),
    CONSTRAINT "FK_sites_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT
);


CREATE TABLE stations (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    site_id character varying(64) NOT NULL,
    name character varying(200) NOT NULL,
    active boolean NOT NULL,
    CONSTRAINT "PK_stations" PRIMARY KEY (id),
    CONSTRAINT "FK_stations_sites_site_id" FOREIGN KEY (site_id) REFERENCES sites (id) ON DELETE RESTRICT
);


CREATE TABLE appointments (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    site_id character varying(64) NOT NULL,
    station_id character varying(64) NOT NULL,
    reason_code character varying(32) NOT NULL,
    code character varying(16) NOT NULL,
    manage_token_hash character varying(64) NOT NULL,
    start_utc timestamp with time zone NOT NULL,
    end_utc timestamp with time zone NOT NULL,
    persons integer NOT NULL,
    status character varying(32) NOT NULL,
    channel character varying(32) NOT NULL,
    first_name character varying(200) NOT NULL,
    last_name character varying(200) NOT NULL,
    email character varying(254),
    phone character varying(20),
    pre_request_numbers character varying(120) NOT NULL,
    booked_by_agent_id character varying(64),
    partner_organisation_id character varying(64),
    created_utc timestamp with time zone NOT NULL,
    cancelled_utc timestamp with time zone,
    cancelled_by character varying(200),
    CONSTRAINT "PK_appointments" PRIMARY KEY (id),
    CONSTRAINT "FK_appointments_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT,
    CONSTRAINT "FK_appointments_sites_site_id" FOREIGN KEY (site_id) REFERENCES sites (id) ON DELETE RESTRICT,
    CONSTRAINT "FK_appointments_stations_station_id" FOREIGN KEY (station_id) REFERENCES stations (id) ON DELETE RESTRICT
);


CREATE TABLE opening_rules (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    station_id character varying(64) NOT NULL,
    day_of_week integer NOT NULL,
    start_time time without time zone NOT NULL,
    end_time time without time zone NOT NULL,
    valid_from date NOT NULL,
    valid_until date,
    reason_codes character varying(200) NOT NULL,
    CONSTRAINT "PK_opening_rules" PRIMARY KEY (id),
    CONSTRAINT "FK_opening_rules_stations_station_id" FOREIGN KEY (station_id) REFERENCES stations (id) ON DELETE CASCADE
);


CREATE TABLE slot_claims (
    station_id character varying(64) NOT NULL,
    unit bigint NOT NULL,
    appointment_id character varying(64) NOT NULL,
    CONSTRAINT "PK_slot_claims" PRIMARY KEY (station_id, unit),
    CONSTRAINT "FK_slot_claims_appointments_appointment_id" FOREIGN KEY (appointment_id) REFERENCES appointments (id) ON DELETE CASCADE,
    CONSTRAINT "FK_slot_claims_stations_station_id" FOREIGN KEY (station_id) REFERENCES stations (id) ON DELETE RESTRICT
);


CREATE UNIQUE INDEX "IX_agents_email" ON agents (email);


CREATE INDEX "IX_agents_organisation_id" ON agents (organisation_id);


CREATE UNIQUE INDEX "IX_appointments_code" ON appointments (code);


CREATE INDEX "IX_appointments_organisation_id_start_utc" ON appointments (organisation_id, start_utc);


CREATE INDEX "IX_appointments_site_id_start_utc" ON appointments (site_id, start_utc);


CREATE INDEX "IX_appointments_station_id" ON appointments (station_id);


CREATE INDEX "IX_opening_rules_station_id" ON opening_rules (station_id);


CREATE UNIQUE INDEX "IX_partnerships_organisation_id_partner_organisation_id" ON partnerships (organisation_id, partner_organisation_id);


CREATE INDEX "IX_partnerships_partner_organisation_id" ON partnerships (partner_organisation_id);


CREATE UNIQUE INDEX "IX_reasons_organisation_id_code" ON reasons (organisation_id, code);


CREATE INDEX "IX_sites_organisation_id" ON sites (organisation_id);


CREATE INDEX "IX_slot_claims_appointment_id" ON slot_claims (appointment_id);


CREATE INDEX "IX_stations_organisation_id" ON stations (organisation_id);


CREATE INDEX "IX_stations_site_id" ON stations (site_id);



