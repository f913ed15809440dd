-- 0012: outcomes at the counter (who marked them and when) and the agents' secret calendar feeds.
-- The status column is text: the new values (Honoured, NoShow, Excused) need no change, existing rows keep theirs.
ALTER TABLE appointments ADD COLUMN outcome_utc timestamp with time zone;
ALTER TABLE appointments ADD COLUMN outcome_by character varying(64);

CREATE TABLE calendar_feeds (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    kind character varying(16) NOT NULL,
    owner_id character varying(64) NOT NULL,
    token_hash character varying(64) NOT NULL,
    created_utc timestamp with time zone NOT NULL,
    created_by character varying(64) NOT NULL,
    CONSTRAINT "PK_calendar_feeds" PRIMARY KEY (id),
    CONSTRAINT "FK_calendar_feeds_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT
);
CREATE UNIQUE INDEX "IX_calendar_feeds_kind_owner_id" ON calendar_feeds (kind, owner_id);
CREATE INDEX "IX_calendar_feeds_organisation_id" ON calendar_feeds (organisation_id);
CREATE UNIQUE INDEX "IX_calendar_feeds_token_hash" ON calendar_feeds (token_hash);
