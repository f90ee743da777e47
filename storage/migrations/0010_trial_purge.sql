-- When the reminder sweep last erased finished trials (it does so at most once a day, in any process).
ALTER TABLE trial_sync ADD COLUMN last_purge TEXT;
