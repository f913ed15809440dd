-- 0016: the voice server: calls and their dialogue state, slots held while a caller confirms, messages left.
CREATE TABLE voice_calls (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    door character varying(16) NOT NULL,
    state character varying(16000) NOT NULL,
    started_utc timestamp with time zone NOT NULL,
    updated_utc timestamp with time zone NOT NULL,
    ended_utc timestamp with time zone,
    path character varying(2000) NOT NULL,
    outcome character varying(16) NOT NULL,
    duration_seconds integer,
    appointment_id character varying(64),
    CONSTRAINT "PK_voice_calls" PRIMARY KEY (id),
    CONSTRAINT "FK_voice_calls_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT
);

CREATE TABLE voice_messages (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    site_id character varying(64),
    call_id character varying(64) NOT NULL,
    callback_number character varying(20),
    recording_path character varying(1000) NOT NULL,
    duration_seconds integer NOT NULL,
    created_utc timestamp with time zone NOT NULL,
    citizen_request_id character varying(64),
    CONSTRAINT "PK_voice_messages" PRIMARY KEY (id),
    CONSTRAINT "FK_voice_messages_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT,
    CONSTRAINT "FK_voice_messages_sites_site_id" FOREIGN KEY (site_id) REFERENCES sites (id) ON DELETE SET NULL
);

CREATE TABLE voice_holds (
    station_id character varying(64) NOT NULL,
    unit bigint NOT NULL,
    call_id character varying(64) NOT NULL,
    expires_utc timestamp with time zone NOT NULL,
    CONSTRAINT "PK_voice_holds" PRIMARY KEY (station_id, unit),
    CONSTRAINT "FK_voice_holds_stations_station_id" FOREIGN KEY (station_id) REFERENCES stations (id) ON DELETE CASCADE
);

CREATE INDEX "IX_voice_calls_organisation_id_started_utc" ON voice_calls (organisation_id, started_utc);

CREATE INDEX "IX_voice_holds_call_id" ON voice_holds (call_id);

CREATE INDEX "IX_voice_messages_organisation_id_created_utc" ON voice_messages (organisation_id, created_utc);

CREATE INDEX "IX_voice_messages_site_id" ON voice_messages (site_id);
