-- Six-meeting trials (issue 5). One trial per pseudonym at a time; erased with the pseudonym.
-- status: active (reminders and check-ins), paused (nothing sent), done (six reached, choice pending),
-- ongoing (kept going with weekly reminders only), finished / stopped (ended; purged 14 days later).
CREATE TABLE trials (
    id         INTEGER PRIMARY KEY,
    user_key   TEXT NOT NULL,
    meeting_id INTEGER NOT NULL,
    program    TEXT NOT NULL,
    remind     TEXT NOT NULL DEFAULT 'morning' CHECK (remind IN ('morning', '2h', 'evening', 'none')),
    attended   INTEGER NOT NULL DEFAULT 0,
    status     TEXT NOT NULL DEFAULT 'active'
               CHECK (status IN ('active', 'paused', 'done', 'ongoing', 'finished', 'stopped')),
    started_at TEXT NOT NULL,
    ended_at   TEXT
);
CREATE UNIQUE INDEX trials_one_open ON trials(user_key)
    WHERE status IN ('active', 'paused', 'done', 'ongoing');
CREATE INDEX trials_meeting ON trials(meeting_id, status);
CREATE INDEX trials_ended ON trials(ended_at) WHERE ended_at IS NOT NULL;

-- The durable queue of reminders and check-ins: a rolling window of the next occurrences per trial.
-- due_at and lease_until are UTC 'YYYY-MM-DDTHH:MM:SSZ' (sorts as time); on_date is the local date.
CREATE TABLE reminders (
    id          INTEGER PRIMARY KEY,
    user_key    TEXT NOT NULL,
    trial_id    INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
    meeting_id  INTEGER NOT NULL,
    on_date     TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('reminder', 'checkin')),
    due_at      TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'claimed', 'sent', 'skipped', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    lease_until TEXT,
    answer      TEXT,
    UNIQUE (trial_id, on_date, kind)
);
CREATE INDEX reminders_due ON reminders(status, due_at);
CREATE INDEX reminders_user ON reminders(user_key, status, due_at);
CREATE INDEX reminders_meeting ON reminders(meeting_id, status);

-- Anonymous figures: per fellowship per month, never per person.
CREATE TABLE trial_counters (
    program        TEXT NOT NULL,
    month          TEXT NOT NULL,
    started        INTEGER NOT NULL DEFAULT 0,
    first_attended INTEGER NOT NULL DEFAULT 0,
    six_reached    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (program, month)
) WITHOUT ROWID;

-- How far the reminder queue has caught up with meeting_changes (so a support worker's change
-- re-times rows that were scheduled before it).
CREATE TABLE trial_sync (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    last_change_id INTEGER NOT NULL DEFAULT 0
);
INSERT INTO trial_sync(id, last_change_id) VALUES (1, 0);
