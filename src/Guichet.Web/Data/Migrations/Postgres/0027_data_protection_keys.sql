-- 0027: the data-protection key ring (agents' cookies, anti-forgery), shared by every node through the database.
CREATE TABLE data_protection_keys (
    id character varying(64) NOT NULL,
    xml text NOT NULL,
    created_utc timestamp with time zone NOT NULL,
    CONSTRAINT "PK_data_protection_keys" PRIMARY KEY (id)
);
