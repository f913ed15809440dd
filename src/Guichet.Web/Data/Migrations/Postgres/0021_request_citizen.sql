-- 0021: implicit decisions (silence rule) and retention per category; the request keeps its silence rule, decision date
-- and anonymisation time; citizens' space links; the record of data exports and erasures; history texts may be blanked
-- (anonymisation), nothing else in an event may change.
ALTER TABLE request_categories ADD COLUMN silence_rule character varying(16) NOT NULL DEFAULT 'None';
ALTER TABLE request_categories ADD COLUMN silence_months integer NOT NULL DEFAULT 2;
ALTER TABLE request_categories ADD COLUMN retention_months integer NOT NULL DEFAULT 36;
ALTER TABLE citizen_requests ADD COLUMN silence_rule character varying(16) NOT NULL DEFAULT 'None';
ALTER TABLE citizen_requests ADD COLUMN implicit_decision_on date;
ALTER TABLE citizen_requests ADD COLUMN anonymised_utc timestamp with time zone;
ALTER TABLE citizen_requests ADD COLUMN email_key character varying(254);
UPDATE citizen_requests SET email_key = lower(trim(email)) WHERE email IS NOT NULL;
CREATE INDEX "IX_citizen_requests_email_key" ON citizen_requests (email_key);

CREATE TABLE citizen_space_links (
    id character varying(64) NOT NULL,
    token_hash character varying(64) NOT NULL,
    email character varying(254) NOT NULL,
    created_utc timestamp with time zone NOT NULL,
    expires_utc timestamp with time zone NOT NULL,
    CONSTRAINT "PK_citizen_space_links" PRIMARY KEY (id)
);

CREATE TABLE request_data_actions (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    agent_id character varying(64),
    kind character varying(16) NOT NULL,
    request_count integer NOT NULL,
    format character varying(16),
    reason character varying(1000),
    at_utc timestamp with time zone NOT NULL,
    CONSTRAINT "PK_request_data_actions" PRIMARY KEY (id),
    CONSTRAINT "FK_request_data_actions_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT
);

CREATE UNIQUE INDEX "IX_citizen_space_links_token_hash" ON citizen_space_links (token_hash);

CREATE INDEX "IX_citizen_space_links_email_created_utc" ON citizen_space_links (email, created_utc);

CREATE INDEX "IX_citizen_space_links_expires_utc" ON citizen_space_links (expires_utc);

CREATE INDEX "IX_request_data_actions_organisation_id_at_utc" ON request_data_actions (organisation_id, at_utc);

-- Anonymisation blanks an event's text; any other change to an event is still refused.
CREATE OR REPLACE FUNCTION request_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.text IS NULL
        AND (NEW.id, NEW.organisation_id, NEW.request_id, NEW.at_utc, NEW.kind, NEW.public)
            IS NOT DISTINCT FROM (OLD.id, OLD.organisation_id, OLD.request_id, OLD.at_utc, OLD.kind, OLD.public)
        AND (NEW.agent_id, NEW.from_status, NEW.to_status) IS NOT DISTINCT FROM (OLD.agent_id, OLD.from_status, OLD.to_status) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'request_events is append-only';
END;
$$;

CREATE FUNCTION request_data_actions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'request_data_actions is append-only';
END;
$$;
CREATE TRIGGER request_data_actions_append_only BEFORE UPDATE ON request_data_actions
    FOR EACH ROW EXECUTE FUNCTION request_data_actions_append_only();
