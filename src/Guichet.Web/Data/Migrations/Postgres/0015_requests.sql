-- 0015: citizen requests: units, categories with their own form fields and delays, requests, their append-only history, attachments.
CREATE TABLE request_units (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    name character varying(200) NOT NULL,
    address character varying(200) NOT NULL,
    postal_code character varying(10) NOT NULL,
    city character varying(200) NOT NULL,
    phone character varying(30) NOT NULL,
    email character varying(254) NOT NULL,
    active boolean NOT NULL,
    CONSTRAINT "PK_request_units" PRIMARY KEY (id),
    CONSTRAINT "FK_request_units_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT
);

CREATE TABLE request_categories (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    name character varying(200) NOT NULL,
    description character varying(1000),
    unit_id character varying(64) NOT NULL,
    priority character varying(16) NOT NULL,
    web_days integer NOT NULL,
    email_days integer NOT NULL,
    post_days integer NOT NULL,
    other_days integer NOT NULL,
    fields_json text NOT NULL,
    active boolean NOT NULL,
    sort_order integer NOT NULL,
    CONSTRAINT "PK_request_categories" PRIMARY KEY (id),
    CONSTRAINT "FK_request_categories_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT,
    CONSTRAINT "FK_request_categories_request_units_unit_id" FOREIGN KEY (unit_id) REFERENCES request_units (id) ON DELETE RESTRICT
);

CREATE TABLE citizen_requests (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    tracking_code character varying(8) NOT NULL,
    category_id character varying(64) NOT NULL,
    unit_id character varying(64) NOT NULL,
    channel character varying(16) NOT NULL,
    status character varying(32) NOT NULL,
    priority character varying(16) NOT NULL,
    received_utc timestamp with time zone NOT NULL,
    due_date date NOT NULL,
    first_name character varying(200),
    last_name character varying(200) NOT NULL,
    name_key character varying(200) NOT NULL,
    email character varying(254),
    phone character varying(30),
    postal_address character varying(300),
    text text NOT NULL,
    field_values_json text NOT NULL,
    latitude double precision,
    longitude double precision,
    location_address character varying(300),
    assignee_agent_id character varying(64),
    registered_by_agent_id character varying(64),
    updated_utc timestamp with time zone NOT NULL,
    CONSTRAINT "PK_citizen_requests" PRIMARY KEY (id),
    CONSTRAINT "FK_citizen_requests_agents_assignee_agent_id" FOREIGN KEY (assignee_agent_id) REFERENCES agents (id) ON DELETE SET NULL,
    CONSTRAINT "FK_citizen_requests_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT,
    CONSTRAINT "FK_citizen_requests_request_categories_category_id" FOREIGN KEY (category_id) REFERENCES request_categories (id) ON DELETE RESTRICT,
    CONSTRAINT "FK_citizen_requests_request_units_unit_id" FOREIGN KEY (unit_id) REFERENCES request_units (id) ON DELETE RESTRICT
);

CREATE TABLE request_attachments (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    request_id character varying(64) NOT NULL,
    file_name character varying(200) NOT NULL,
    content_type character varying(100) NOT NULL,
    size bigint NOT NULL,
    content bytea NOT NULL,
    created_utc timestamp with time zone NOT NULL,
    CONSTRAINT "PK_request_attachments" PRIMARY KEY (id),
    CONSTRAINT "FK_request_attachments_citizen_requests_request_id" FOREIGN KEY (request_id) REFERENCES citizen_requests (id) ON DELETE CASCADE
);

CREATE TABLE request_events (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    request_id character varying(64) NOT NULL,
    at_utc timestamp with time zone NOT NULL,
    kind character varying(32) NOT NULL,
    agent_id character varying(64),
    from_status character varying(32),
    to_status character varying(32),
    text text,
    public boolean NOT NULL,
    CONSTRAINT "PK_request_events" PRIMARY KEY (id),
    CONSTRAINT "FK_request_events_citizen_requests_request_id" FOREIGN KEY (request_id) REFERENCES citizen_requests (id) ON DELETE CASCADE
);

CREATE INDEX "IX_citizen_requests_assignee_agent_id" ON citizen_requests (assignee_agent_id);

CREATE INDEX "IX_citizen_requests_category_id" ON citizen_requests (category_id);

CREATE INDEX "IX_citizen_requests_organisation_id_received_utc" ON citizen_requests (organisation_id, received_utc);

CREATE INDEX "IX_citizen_requests_organisation_id_status_due_date" ON citizen_requests (organisation_id, status, due_date);

CREATE UNIQUE INDEX "IX_citizen_requests_tracking_code" ON citizen_requests (tracking_code);

CREATE INDEX "IX_citizen_requests_unit_id" ON citizen_requests (unit_id);

CREATE INDEX "IX_request_attachments_request_id" ON request_attachments (request_id);

CREATE INDEX "IX_request_categories_organisation_id" ON request_categories (organisation_id);

CREATE INDEX "IX_request_categories_unit_id" ON request_categories (unit_id);

CREATE INDEX "IX_request_events_request_id_at_utc" ON request_events (request_id, at_utc);

CREATE INDEX "IX_request_units_organisation_id" ON request_units (organisation_id);

-- The history is the audit trail: an event, once written, is never changed.
CREATE FUNCTION request_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'request_events is append-only';
END;
$$;
CREATE TRIGGER request_events_append_only BEFORE UPDATE ON request_events
    FOR EACH ROW EXECUTE FUNCTION request_events_append_only();
