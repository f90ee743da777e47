-- Versions of the directory as a whole (issue 13): a process keeps an index of the placed meetings and
-- the ids of meetings with date changes in memory, and checks one row instead of querying every time.
-- 'meetings' moves with every added, removed or visibly changed meeting (its per-row `version` moves too);
-- 'meeting_changes' with every added, changed or removed date change.
CREATE TABLE directory_versions (name TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO directory_versions(name, version) VALUES ('meetings', 0), ('meeting_changes', 0);
CREATE TRIGGER directory_meetings_added AFTER INSERT ON meetings
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE name = 'meetings';
END;
CREATE TRIGGER directory_meetings_removed AFTER DELETE ON meetings
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE name = 'meetings';
END;
CREATE TRIGGER directory_meetings_changed AFTER UPDATE OF
    source, slug, program, name, weekday, start_time, end_time, timezone, attendance, location, address,
    city, postal_code, region, lat, lon, types, language, notes, location_notes, conference_url,
    conference_phone, url, updated, is_demo, approximate, cell, content_hash, version
ON meetings
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE name = 'meetings';
END;
CREATE TRIGGER directory_changes_added AFTER INSERT ON meeting_changes
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE name = 'meeting_changes';
END;
CREATE TRIGGER directory_changes_removed AFTER DELETE ON meeting_changes
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE name = 'meeting_changes';
END;
CREATE TRIGGER directory_changes_changed AFTER UPDATE ON meeting_changes
BEGIN
    UPDATE directory_versions SET version = version + 1 WHERE name = 'meeting_changes';
END;
