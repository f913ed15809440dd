-- 0009: opening rules that repeat every other week, on the nth weekday of the month, or on one date (existing rules are weekly).
ALTER TABLE opening_rules ADD COLUMN recurrence character varying(16) NOT NULL DEFAULT 'Weekly';
ALTER TABLE opening_rules ADD COLUMN week_of_month integer NOT NULL DEFAULT 0;
