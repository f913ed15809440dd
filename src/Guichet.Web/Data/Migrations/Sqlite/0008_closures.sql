-- 0008: closures of a whole site or of one station (closed, out of order, agent away), typed or imported from .ics.
CREATE TABLE "closures" (
    "id" TEXT NOT NULL CONSTRAINT "PK_closures" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "site_id" TEXT NOT NULL,
    "station_id" TEXT NULL,
    "kind" TEXT NOT NULL,
    "start_utc" TEXT NOT NULL,
    "end_utc" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "agent_id" TEXT NULL,
    "source" TEXT NOT NULL,
    "import_uid" TEXT NULL,
    "created_utc" TEXT NOT NULL,
    "created_by_agent_id" TEXT NULL,
    CONSTRAINT "FK_closures_agents_agent_id" FOREIGN KEY ("agent_id") REFERENCES "agents" ("id") ON DELETE SET NULL,
    CONSTRAINT "FK_closures_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT,
    CONSTRAINT "FK_closures_sites_site_id" FOREIGN KEY ("site_id") REFERENCES "sites" ("id") ON DELETE CASCADE,
    CONSTRAINT "FK_closures_stations_station_id" FOREIGN KEY ("station_id") REFERENCES "stations" ("id") ON DELETE CASCADE
);

CREATE INDEX "IX_closures_agent_id" ON "closures" ("agent_id");
CREATE INDEX "IX_closures_organisation_id" ON "closures" ("organisation_id");
CREATE UNIQUE INDEX "IX_closures_site_id_import_uid" ON "closures" ("site_id", "import_uid");
CREATE INDEX "IX_closures_site_id_start_utc" ON "closures" ("site_id", "start_utc");
CREATE INDEX "IX_closures_station_id" ON "closures" ("station_id");
