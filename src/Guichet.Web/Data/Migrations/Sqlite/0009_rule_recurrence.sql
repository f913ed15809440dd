-- 0009: opening rules that repeat every other week, on the nth weekday of the month, or on one date (existing rules are weekly).
ALTER TABLE "opening_rules" ADD COLUMN "recurrence" TEXT NOT NULL DEFAULT 'Weekly';
ALTER TABLE "opening_rules" ADD COLUMN "week_of_month" INTEGER NOT NULL DEFAULT 0;
