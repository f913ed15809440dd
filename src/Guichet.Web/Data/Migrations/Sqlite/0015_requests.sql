-- 0015: citizen requests: units, categories with their own form fields and delays, requests, their append-only history, attachments.
CREATE TABLE "request_units" (
    "id" TEXT NOT NULL CONSTRAINT "PK_request_units" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "postal_code" TEXT NOT NULL,
    "city" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "active" INTEGER NOT NULL,
    CONSTRAINT "FK_request_units_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT
);

CREATE TABLE "request_categories" (
    "id" TEXT NOT NULL CONSTRAINT "PK_request_categories" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NULL,
    "unit_id" TEXT NOT NULL,
    "priority" TEXT NOT NULL,
    "web_days" INTEGER NOT NULL,
    "email_days" INTEGER NOT NULL,
    "post_days" INTEGER NOT NULL,
    "other_days" INTEGER NOT NULL,
    "fields_json" text NOT NULL,
    "active" INTEGER NOT NULL,
    "sort_order" INTEGER NOT NULL,
    CONSTRAINT "FK_request_categories_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT,
    CONSTRAINT "FK_request_categories_request_units_unit_id" FOREIGN KEY ("unit_id") REFERENCES "request_units" ("id") ON DELETE RESTRICT
);

CREATE TABLE "citizen_requests" (
    "id" TEXT NOT NULL CONSTRAINT "PK_citizen_requests" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "tracking_code" TEXT NOT NULL,
    "category_id" TEXT NOT NULL,
    "unit_id" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "priority" TEXT NOT NULL,
    "received_utc" TEXT NOT NULL,
    "due_date" TEXT NOT NULL,
    "first_name" TEXT NULL,
    "last_name" TEXT NOT NULL,
    "name_key" TEXT NOT NULL,
    "email" TEXT NULL,
    "phone" TEXT NULL,
    "postal_address" TEXT NULL,
    "text" text NOT NULL,
    "field_values_json" text NOT NULL,
    "latitude" REAL NULL,
    "longitude" REAL NULL,
    "location_address" TEXT NULL,
    "assignee_agent_id" TEXT NULL,
    "registered_by_agent_id" TEXT NULL,
    "updated_utc" TEXT NOT NULL,
    CONSTRAINT "FK_citizen_requests_agents_assignee_agent_id" FOREIGN KEY ("assignee_agent_id") REFERENCES "agents" ("id") ON DELETE SET NULL,
    CONSTRAINT "FK_citizen_requests_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT,
    CONSTRAINT "FK_citizen_requests_request_categories_category_id" FOREIGN KEY ("category_id") REFERENCES "request_categories" ("id") ON DELETE RESTRICT,
    CONSTRAINT "FK_citizen_requests_request_units_unit_id" FOREIGN KEY ("unit_id") REFERENCES "request_units" ("id") ON DELETE RESTRICT
);

CREATE TABLE "request_attachments" (
    "id" TEXT NOT NULL CONSTRAINT "PK_request_attachments" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "request_id" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "content" BLOB NOT NULL,
    "created_utc" TEXT NOT NULL,
    CONSTRAINT "FK_request_attachments_citizen_requests_request_id" FOREIGN KEY ("request_id") REFERENCES "citizen_requests" ("id") ON DELETE CASCADE
);

CREATE TABLE "request_events" (
    "id" TEXT NOT NULL CONSTRAINT "PK_request_events" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "request_id" TEXT NOT NULL,
    "at_utc" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "agent_id" TEXT NULL,
    "from_status" TEXT NULL,
    "to_status" TEXT NULL,
    "text" text NULL,
    "public" INTEGER NOT NULL,
    CONSTRAINT "FK_request_events_citizen_requests_request_id" FOREIGN KEY ("request_id") REFERENCES "citizen_requests" ("id") ON DELETE CASCADE
);

CREATE INDEX "IX_citizen_requests_assignee_agent_id" ON "citizen_requests" ("assignee_agent_id");

CREATE INDEX "IX_citizen_requests_category_id" ON "citizen_requests" ("category_id");

CREATE INDEX "IX_citizen_requests_organisation_id_received_utc" ON "citizen_requests" ("organisation_id", "received_utc");

CREATE INDEX "IX_citizen_requests_organisation_id_status_due_date" ON "citizen_requests" ("organisation_id", "status", "due_date");

CREATE UNIQUE INDEX "IX_citizen_requests_tracking_code" ON "citizen_requests" ("tracking_code");

CREATE INDEX "IX_citizen_requests_unit_id" ON "citizen_requests" ("unit_id");

CREATE INDEX "IX_request_attachments_request_id" ON "request_attachments" ("request_id");

CREATE INDEX "IX_request_categories_organisation_id" ON "request_categories" ("organisation_id");

CREATE INDEX "IX_request_categories_unit_id" ON "request_categories" ("unit_id");

CREATE INDEX "IX_request_events_request_id_at_utc" ON "request_events" ("request_id", "at_utc");

CREATE INDEX "IX_request_units_organisation_id" ON "request_units" ("organisation_id");

-- The history is the audit trail: an event, once written, is never changed.
CREATE TRIGGER "request_events_append_only" BEFORE UPDATE ON "request_events"
BEGIN
    SELECT RAISE(ABORT, 'request_events is append-only');
END;
