-- Feed sources kept current by `eerstestap directory sync`: what each one last answered.
CREATE TABLE feed_state (
    name          TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT,
    body_digest   TEXT,             -- sha256 of the last applied body: the same bytes again change nothing
    status        TEXT NOT NULL CHECK (status IN ('unchanged', 'updated', 'held', 'failed')),
    detail        TEXT,             -- why held or failed (a type or a share, never feed content)
    checked_at    TEXT NOT NULL,
    changed_at    TEXT
);

-- Meetings whose schedule a feed changed: their queued reminders are re-timed right after the sync,
-- and again by the sweep if the process stopped in between.
CREATE TABLE retime_queue (
    meeting_id INTEGER PRIMARY KEY REFERENCES meetings(id) ON DELETE CASCADE
);
