-- 0023: routing of a request category by sector (postal code or commune) to units.
ALTER TABLE "request_categories" ADD COLUMN "sector_routes_json" text NOT NULL DEFAULT '[]';
