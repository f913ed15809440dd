-- 0008: closures of a whole site or of one station (closed, out of order, agent away), typed or imported from .ics.
CREATE TABLE closures (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    site_id character varying(64) NOT NULL,
    station_id character varying(64),
    kind character varying(16) NOT NULL,
    start_utc timestamp with time zone NOT NULL,
    end_utc timestamp with time zone NOT NULL,
    reason character varying(200) NOT NULL,
    agent_id character varying(64),
    source character varying(16) NOT NULL,
    import_uid character varying(300),
    created_utc timestamp with time zone NOT NULL,
    created_by_agent_id character varying(64),
    CONSTRAINT "PK_closures" PRIMARY KEY (id),
    CONSTRAINT "FK_closures_agents_agent_id" FOREIGN KEY (agent_id) REFERENCES agents (id) ON DELETE SET NULL,
    CONSTRAINT "FK_closures_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT,
    CONSTRAINT "FK_closures_sites_site_id" FOREIGN KEY (site_id) REFERENCES sites (id) ON DELETE CASCADE,
    CONSTRAINT "FK_closures_stations_station_id" FOREIGN KEY (station_id) REFERENCES stations (id) ON DELETE CASCADE
);

CREATE INDEX "IX_closures_agent_id" ON closures (agent_id);
CREATE INDEX "IX_closures_organisation_id" ON closures (organisation_id);
CREATE UNIQUE INDEX "IX_closures_site_id_import_uid" ON closures (site_id, import_uid);
CREATE INDEX "IX_closures_site_id_start_utc" ON closures (site_id, start_utc);
CREATE INDEX "IX_closures_station_id" ON closures (station_id);
