-- 0027: the data-protection key ring (agents' cookies, anti-forgery), shared by every node through the database.
CREATE TABLE "data_protection_keys" (
    "id" TEXT NOT NULL CONSTRAINT "PK_data_protection_keys" PRIMARY KEY,
    "xml" TEXT NOT NULL,
    "created_utc" TEXT NOT NULL
);
