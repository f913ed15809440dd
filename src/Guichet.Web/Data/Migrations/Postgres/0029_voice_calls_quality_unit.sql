-- 0029: the calls' quality index also covers the unit (added in 0028), so rates per unit read the index alone.
DROP INDEX "IX_voice_calls_quality";
CREATE INDEX "IX_voice_calls_quality" ON voice_calls (organisation_id, started_utc, outcome, unit_id);
