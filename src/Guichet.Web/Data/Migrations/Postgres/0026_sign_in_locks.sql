-- 0026: failed sign-ins counted per typed address (hashed), known or unknown, so a lock-out reveals no account.
CREATE TABLE sign_in_locks (
    key_hash character varying(64) NOT NULL,
    failures integer NOT NULL,
    last_failure_utc timestamp with time zone NOT NULL,
    locked_until_utc timestamp with time zone NULL,
    CONSTRAINT "PK_sign_in_locks" PRIMARY KEY (key_hash)
);
