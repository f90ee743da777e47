-- The meeting directory: one row per weekly meeting (canonical record, see ARCHITECTURE.md).
CREATE TABLE meetings (
    id               INTEGER PRIMARY KEY,
    source           TEXT NOT NULL,
    slug             TEXT NOT NULL,
    program          TEXT NOT NULL,
    name             TEXT NOT NULL,
    weekday          INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_time       TEXT NOT NULL,
    end_time         TEXT,
    timezone         TEXT NOT NULL DEFAULT 'Europe/Amsterdam',
    attendance       TEXT NOT NULL CHECK (attendance IN ('in_person', 'online', 'hybrid', 'inactive')),
    location         TEXT,
    address          TEXT,
    city             TEXT,
    postal_code      TEXT,
    region           TEXT,
    lat              REAL,
    lon              REAL,
    types            TEXT NOT NULL DEFAULT '[]',
    language         TEXT,
    notes            TEXT,
    location_notes   TEXT,
    conference_url   TEXT,
    conference_phone TEXT,
    url              TEXT,
    updated          TEXT,
    last_seen        TEXT,
    is_demo          INTEGER NOT NULL DEFAULT 0,
    content_hash     TEXT,
    cell             INTEGER,
    UNIQUE (source, slug)
);
CREATE INDEX meetings_program ON meetings(program, attendance);
-- Near-me queries: a grid cell (storage/geo.py) per in-person meeting, searched ring by ring. The
-- indexes cover lat/lon so the nearest ids are found without reading the table.
CREATE INDEX meetings_cell ON meetings(cell, lat, lon);
CREATE INDEX meetings_program_cell ON meetings(program, cell, lat, lon);
CREATE INDEX meetings_source ON meetings(source, attendance);

-- One-off changes of one date (cancel, move) and permanent edits, made by a support-worker role.
CREATE TABLE meeting_changes (
    id           INTEGER PRIMARY KEY,
    meeting_id   INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('cancel', 'move', 'edit', 'close', 'reopen', 'note')),
    on_date      TEXT,
    new_start    TEXT,
    new_end      TEXT,
    new_location TEXT,
    new_address  TEXT,
    new_lat      REAL,
    new_lon      REAL,
    new_url      TEXT,
    note         TEXT,
    actor        TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX meeting_changes_meeting ON meeting_changes(meeting_id, on_date);

-- What a pseudonym follows, to hear about schedule changes.
CREATE TABLE follows (
    user_key   TEXT NOT NULL,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_key, meeting_id)
) WITHOUT ROWID;
CREATE INDEX follows_meeting ON follows(meeting_id);
