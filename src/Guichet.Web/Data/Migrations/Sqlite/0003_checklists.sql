-- 0003: each organisation's changes to the national documents checklist (rows turned off, stamp amounts, lines of its own).
CREATE TABLE "checklist_overrides" (
    "id" TEXT NOT NULL CONSTRAINT "PK_checklist_overrides" PRIMARY KEY,
    "organisation_id" TEXT NOT NULL,
    "rule_id" TEXT NOT NULL,
    "disabled" INTEGER NOT NULL,
    "amount_cents" INTEGER NULL,
    "text" TEXT NULL,
    "facts" TEXT NULL,
    "updated_utc" TEXT NOT NULL,
    "updated_by_agent_id" TEXT NULL,
    CONSTRAINT "FK_checklist_overrides_organisations_organisation_id" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE RESTRICT
);

CREATE UNIQUE INDEX "IX_checklist_overrides_organisation_id_rule_id" ON "checklist_overrides" ("organisation_id", "rule_id");
