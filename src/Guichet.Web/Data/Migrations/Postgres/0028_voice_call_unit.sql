-- 0028: the unit a voice call is counted for (answered and abandoned rates per unit).
ALTER TABLE voice_calls ADD COLUMN unit_id character varying(64);
