-- A content version per meeting: bumped whenever a column a person can see changes (not last_seen), so
-- a process may keep built meetings in memory keyed by id and version (issue 13, near-me).
ALTER TABLE meetings ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER meetings_version AFTER UPDATE OF
    source, slug, program, name, weekday, start_time, end_time, timezone, attendance, location, address,
    city, postal_code, region, lat, lon, types, language, notes, location_notes, conference_url,
    conference_phone, url, updated, is_demo, approximate, cell, content_hash
ON meetings
BEGIN
    UPDATE meetings SET version = OLD.version + 1 WHERE id = NEW.id;
END;
