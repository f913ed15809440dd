-- 0030: an incomplete request (CRPA L114-5): the documents asked for, their supply-by day, and the day the delays run from.
ALTER TABLE citizen_requests ADD COLUMN missing_documents text;
ALTER TABLE citizen_requests ADD COLUMN missing_documents_by date;
ALTER TABLE citizen_requests ADD COLUMN delays_from date;
