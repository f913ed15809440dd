-- 0004: sites an administrator lists to the ANTS hub as meeting points (all existing sites are, as before).
ALTER TABLE sites ADD COLUMN ants_connected boolean NOT NULL DEFAULT TRUE;
