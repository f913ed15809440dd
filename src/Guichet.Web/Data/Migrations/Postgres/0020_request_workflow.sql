-- 0020: request workflow: reply drafts under an approval circuit (visa, signature), per-category approval setting,
-- deadline-alert setting per organisation, canned answers, links between merged and split requests.
CREATE TABLE request_workflow_settings (
    organisation_id character varying(64) NOT NULL,
    alert_days_before integer NOT NULL,
    CONSTRAINT "PK_request_workflow_settings" PRIMARY KEY (organisation_id),
    CONSTRAINT "FK_request_workflow_settings_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE CASCADE
);

CREATE TABLE request_canned_answers (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    category_id character varying(64),
    title character varying(100) NOT NULL,
    text text NOT NULL,
    created_utc timestamp with time zone NOT NULL,
    CONSTRAINT "PK_request_canned_answers" PRIMARY KEY (id),
    CONSTRAINT "FK_request_canned_answers_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT,
    CONSTRAINT "FK_request_canned_answers_request_categories_category_id" FOREIGN KEY (category_id) REFERENCES request_categories (id) ON DELETE CASCADE
);

CREATE TABLE request_category_workflows (
    category_id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    approval_required boolean NOT NULL,
    CONSTRAINT "PK_request_category_workflows" PRIMARY KEY (category_id),
    CONSTRAINT "FK_request_category_workflows_request_categories_category_id" FOREIGN KEY (category_id) REFERENCES request_categories (id) ON DELETE CASCADE
);

CREATE TABLE request_links (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    from_request_id character varying(64) NOT NULL,
    to_request_id character varying(64) NOT NULL,
    kind character varying(16) NOT NULL,
    agent_id character varying(64),
    created_utc timestamp with time zone NOT NULL,
    CONSTRAINT "PK_request_links" PRIMARY KEY (id),
    CONSTRAINT "FK_request_links_citizen_requests_from_request_id" FOREIGN KEY (from_request_id) REFERENCES citizen_requests (id) ON DELETE CASCADE,
    CONSTRAINT "FK_request_links_citizen_requests_to_request_id" FOREIGN KEY (to_request_id) REFERENCES citizen_requests (id) ON DELETE CASCADE
);

CREATE TABLE request_reply_drafts (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    request_id character varying(64) NOT NULL,
    author_agent_id character varying(64) NOT NULL,
    text text NOT NULL,
    stage character varying(32) NOT NULL,
    visa_agent_id character varying(64),
    signed_agent_id character varying(64),
    rejected_agent_id character varying(64),
    rejection_comment character varying(4000),
    created_utc timestamp with time zone NOT NULL,
    updated_utc timestamp with time zone NOT NULL,
    CONSTRAINT "PK_request_reply_drafts" PRIMARY KEY (id),
    CONSTRAINT "FK_request_reply_drafts_citizen_requests_request_id" FOREIGN KEY (request_id) REFERENCES citizen_requests (id) ON DELETE CASCADE
);

CREATE INDEX "IX_request_canned_answers_category_id" ON request_canned_answers (category_id);

CREATE INDEX "IX_request_canned_answers_organisation_id" ON request_canned_answers (organisation_id);

CREATE INDEX "IX_request_links_from_request_id" ON request_links (from_request_id);

CREATE INDEX "IX_request_links_to_request_id" ON request_links (to_request_id);

CREATE INDEX "IX_request_reply_drafts_organisation_id_stage" ON request_reply_drafts (organisation_id, stage);

CREATE INDEX "IX_request_reply_drafts_request_id" ON request_reply_drafts (request_id);
