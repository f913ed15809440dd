-- 0019: Open311 photos to fetch (media_url), and the indexes that keep the agents' inbox fast over a million requests.
CREATE TABLE open311_media_fetches (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    request_id character varying(64) NOT NULL,
    url character varying(2000) NOT NULL,
    state character varying(16) NOT NULL,
    attempts integer NOT NULL,
    next_attempt_utc timestamp with time zone NOT NULL,
    claimed_until_utc timestamp with time zone,
    last_error character varying(300),
    created_utc timestamp with time zone NOT NULL,
    CONSTRAINT "PK_open311_media_fetches" PRIMARY KEY (id),
    CONSTRAINT "FK_open311_media_fetches_citizen_requests_request_id" FOREIGN KEY (request_id) REFERENCES citizen_requests (id) ON DELETE CASCADE
);

CREATE INDEX "IX_open311_media_fetches_request_id" ON open311_media_fetches (request_id);

CREATE INDEX "IX_open311_media_fetches_state_next_attempt_utc" ON open311_media_fetches (state, next_attempt_utc);

-- The inbox: every request of an organisation by due date, then the open ones only (partial: the very IN list the inbox query
-- inlines). Keep the partial one last: without statistics SQLite prefers, between two equally usable indexes, the one created
-- last, and the overdue view (open and due_date < today) must walk the open ones, not every closed request.
CREATE INDEX "IX_citizen_requests_inbox_all" ON citizen_requests (organisation_id, due_date, received_utc);

CREATE INDEX "IX_citizen_requests_open_inbox" ON citizen_requests (organisation_id, due_date, received_utc) WHERE "status" IN ('Received', 'Assigned', 'InProgress', 'AwaitingApproval');
