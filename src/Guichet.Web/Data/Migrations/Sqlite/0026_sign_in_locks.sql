-- 0026: failed sign-ins counted per typed address (hashed), known or unknown, so a lock-out reveals no account.
CREATE TABLE "sign_in_locks" (
    "key_hash" TEXT NOT NULL CONSTRAINT "PK_sign_in_locks" PRIMARY KEY,
    "failures" INTEGER NOT NULL,
    "last_failure_utc" TEXT NOT NULL,
    "locked_until_utc" TEXT NULL
);
