-- 0018: e-mail, SMS and voice doors into citizen requests: each organisation's inbound address and default categories,
-- the e-mail thread of a request (reply token, citizen's Message-ID), the retry keys of inbound messages, and the
-- Reply-To / In-Reply-To of outgoing mails.
CREATE TABLE request_intake_settings (
    organisation_id character varying(64) NOT NULL,
    inbound_email character varying(254),
    email_category_id character varying(64),
    sms_category_id character varying(64),
    voice_category_id character varying(64),
    CONSTRAINT "PK_request_intake_settings" PRIMARY KEY (organisation_id),
    CONSTRAINT "FK_request_intake_settings_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE CASCADE,
    CONSTRAINT "FK_request_intake_settings_request_categories_email_category_id" FOREIGN KEY (email_category_id) REFERENCES request_categories (id) ON DELETE SET NULL,
    CONSTRAINT "FK_request_intake_settings_request_categories_sms_category_id" FOREIGN KEY (sms_category_id) REFERENCES request_categories (id) ON DELETE SET NULL,
    CONSTRAINT "FK_request_intake_settings_request_categories_voice_category_id" FOREIGN KEY (voice_category_id) REFERENCES request_categories (id) ON DELETE SET NULL
);

CREATE TABLE inbound_messages (
    id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    channel character varying(16) NOT NULL,
    key character varying(300) NOT NULL,
    request_id character varying(64),
    outcome character varying(300) NOT NULL,
    received_utc timestamp with time zone NOT NULL,
    CONSTRAINT "PK_inbound_messages" PRIMARY KEY (id),
    CONSTRAINT "FK_inbound_messages_citizen_requests_request_id" FOREIGN KEY (request_id) REFERENCES citizen_requests (id) ON DELETE SET NULL,
    CONSTRAINT "FK_inbound_messages_organisations_organisation_id" FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE RESTRICT
);

CREATE TABLE request_mail_threads (
    request_id character varying(64) NOT NULL,
    organisation_id character varying(64) NOT NULL,
    reply_token character varying(64) NOT NULL,
    citizen_message_key character varying(300),
    created_utc timestamp with time zone NOT NULL,
    CONSTRAINT "PK_request_mail_threads" PRIMARY KEY (request_id),
    CONSTRAINT "FK_request_mail_threads_citizen_requests_request_id" FOREIGN KEY (request_id) REFERENCES citizen_requests (id) ON DELETE CASCADE
);

ALTER TABLE outbox_messages ADD COLUMN reply_to character varying(254);
ALTER TABLE outbox_messages ADD COLUMN in_reply_to character varying(300);

-- A retried delivery (the MTA's, the provider's) hits this index: one request per message is a database guarantee.
CREATE UNIQUE INDEX "IX_inbound_messages_organisation_id_channel_key" ON inbound_messages (organisation_id, channel, key);

CREATE INDEX "IX_inbound_messages_request_id" ON inbound_messages (request_id);

CREATE INDEX "IX_request_intake_settings_email_category_id" ON request_intake_settings (email_category_id);

CREATE UNIQUE INDEX "IX_request_intake_settings_inbound_email" ON request_intake_settings (inbound_email);

CREATE INDEX "IX_request_intake_settings_sms_category_id" ON request_intake_settings (sms_category_id);

CREATE INDEX "IX_request_intake_settings_voice_category_id" ON request_intake_settings (voice_category_id);

CREATE UNIQUE INDEX "IX_request_mail_threads_reply_token" ON request_mail_threads (reply_token);

CREATE INDEX "IX_outbox_messages_recipient" ON outbox_messages (recipient);

CREATE INDEX "IX_citizen_requests_organisation_id_phone" ON citizen_requests (organisation_id, phone);
