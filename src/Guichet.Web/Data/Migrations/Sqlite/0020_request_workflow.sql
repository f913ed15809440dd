-- 0020: request workflow: reply drafts under an approval circuit (visa, signature), per-category approval setting,
-- deadline-alert setting per organisation, canned answers, links between merged and split requests.
CREATE TABLE "request_workflow_settings" (
    "organisation_id" TEXT NOT NULL CONSTRAINT "PK_request_workflow_settings" PRIMARY KEY,
    "alert_days_before" INTEGER NOT NULL,
    CONSTRAINT "FK_request_workflow_settings_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE CASCADE
);

CREATE TABLE "request_canned_answers" (
    "id" TEXT NOT NULL CONSTRAINT "PK_request_canned_answers" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "category_id" TEXT NULL,
    "title" TEXT NOT NULL,
    "text" text NOT NULL,
    "created_utc" TEXT NOT NULL,
    CONSTRAINT "FK_request_canned_answers_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT,
    CONSTRAINT "FK_request_canned_answers_request_categories_category_id" FOREIGN KEY ("category_id") REFERENCES "request_categories" ("id") ON DELETE CASCADE
);

CREATE TABLE "request_category_workflows" (
    "category_id" TEXT NOT NULL CONSTRAINT "PK_request_category_workflows" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "approval_required" INTEGER NOT NULL,
    CONSTRAINT "FK_request_category_workflows_request_categories_category_id" FOREIGN KEY ("category_id") REFERENCES "request_categories" ("id") ON DELETE CASCADE
);

CREATE TABLE "request_links" (
    "id" TEXT NOT NULL CONSTRAINT "PK_request_links" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "from_request_id" TEXT NOT NULL,
    "to_request_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "agent_id" TEXT NULL,
    "created_utc" TEXT NOT NULL,
    CONSTRAINT "FK_request_links_citizen_requests_from_request_id" FOREIGN KEY ("from_request_id") REFERENCES "citizen_requests" ("id") ON DELETE CASCADE,
    CONSTRAINT "FK_request_links_citizen_requests_to_request_id" FOREIGN KEY ("to_request_id") REFERENCES "citizen_requests" ("id") ON DELETE CASCADE
);

CREATE TABLE "request_reply_drafts" (
    "id" TEXT NOT NULL CONSTRAINT "PK_request_reply_drafts" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "request_id" TEXT NOT NULL,
    "author_agent_id" TEXT NOT NULL,
    "text" text NOT NULL,
    "stage" TEXT NOT NULL,
    "visa_agent_id" TEXT NULL,
    "signed_agent_id" TEXT NULL,
    "rejected_agent_id" TEXT NULL,
    "rejection_comment" TEXT NULL,
    "created_utc" TEXT NOT NULL,
    "updated_utc" TEXT NOT NULL,
    CONSTRAINT "FK_request_reply_drafts_citizen_requests_request_id" FOREIGN KEY ("request_id") REFERENCES "citizen_requests" ("id") ON DELETE CASCADE
);

CREATE INDEX "IX_request_canned_answers_category_id" ON "request_canned_answers" ("category_id");

CREATE INDEX "IX_request_canned_answers_organisation_id" ON "request_canned_answers" ("organisation_id");

CREATE INDEX "IX_request_links_from_request_id" ON "request_links" ("from_request_id");

CREATE INDEX "IX_request_links_to_request_id" ON "request_links" ("to_request_id");

CREATE INDEX "IX_request_reply_drafts_organisation_id_stage" ON "request_reply_drafts" ("organisation_id", "stage");

CREATE INDEX "IX_request_reply_drafts_request_id" ON "request_reply_drafts" ("request_id");
