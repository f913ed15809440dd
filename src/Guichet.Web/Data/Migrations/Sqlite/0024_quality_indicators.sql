-- 0024: quality indicators. Stamps of a request's first answer and first response (Features/Quality/RequestStamps),
-- and covering indexes so the dashboard groups a period's rows from the indexes alone (bench `indicators`).
-- Requests answered before this migration carry no stamp: they do not appear in the answered figures.
ALTER TABLE "citizen_requests" ADD COLUMN "answered_utc" TEXT NULL;
ALTER TABLE "citizen_requests" ADD COLUMN "answered_on" TEXT NULL;
ALTER TABLE "citizen_requests" ADD COLUMN "answer_working_days" INTEGER NULL;
ALTER TABLE "citizen_requests" ADD COLUMN "first_response_utc" TEXT NULL;
ALTER TABLE "citizen_requests" ADD COLUMN "first_response_on" TEXT NULL;
ALTER TABLE "citizen_requests" ADD COLUMN "first_response_working_days" INTEGER NULL;
CREATE INDEX "IX_citizen_requests_quality_answered" ON "citizen_requests" ("organisation_id", "answered_on", "unit_id", "channel", "due_date", "answer_working_days");
CREATE INDEX "IX_citizen_requests_quality_first_response" ON "citizen_requests" ("organisation_id", "first_response_on", "unit_id", "first_response_working_days");
CREATE INDEX "IX_appointments_quality_start" ON "appointments" ("organisation_id", "start_utc", "site_id", "status");
CREATE INDEX "IX_appointments_quality_created" ON "appointments" ("organisation_id", "created_utc", "site_id", "channel");
CREATE INDEX "IX_voice_calls_quality" ON "voice_calls" ("organisation_id", "started_utc", "outcome");
CREATE INDEX "IX_citizen_requests_quality_open" ON "citizen_requests" ("organisation_id", "unit_id", "due_date", "channel", "answered_on") WHERE "status" IN ('Received', 'Assigned', 'InProgress', 'AwaitingApproval');
CREATE INDEX "IX_appointments_quality_urgent" ON "appointments" ("organisation_id", "created_utc", "site_id") WHERE "urgent_justification" IS NOT NULL;
