-- 0003: each organisation's changes to the national documents checklist (rows turned off, stamp amounts, lines of its own).
CREATE TABLE checklist_overrides (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    rule_id character varying(64) NOT NULL,
    disabled boolean NOT NULL,
    amount_cents integer,
    text character varying(500),
    facts character varying(200),
    updated_utc timestamp with time zone NOT NULL,
    updated_by_agent_id character varying(64),
    CONSTRAINT "PK_checklist_overrides" PRIMARY KEY (id),
    CONSTRAINT "FK_checklist_overrides_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT
);

CREATE UNIQUE INDEX "IX_checklist_overrides_organisation_id_rule_id" ON checklist_overrides (organisation_id, rule_id);
