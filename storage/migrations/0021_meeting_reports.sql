-- "Klopt er iets niet?": counts per meeting and reason, never who reported or any free text (issue 15).
CREATE TABLE meeting_reports (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    reason     TEXT NOT NULL CHECK (reason IN ('gone', 'time', 'place', 'link')),
    count      INTEGER NOT NULL,
    first_at   TEXT NOT NULL,
    last_at    TEXT NOT NULL,
    PRIMARY KEY (meeting_id, reason)
);

-- The rate limit and the one-report-per-meeting rule: a keyed digest of the pseudonym (not the pseudonym,
-- so /stop does not reset the limit), kept one day.
CREATE TABLE report_marks (
    mark_key   TEXT NOT NULL,
    meeting_id INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX report_marks_key ON report_marks(mark_key, at);
CREATE INDEX report_marks_at ON report_marks(at);

-- The region (province) whose reports a support worker sees first; none means all.
CREATE TABLE worker_regions (
    worker_id INTEGER PRIMARY KEY REFERENCES support_workers(id) ON DELETE CASCADE,
    region    TEXT NOT NULL
);
