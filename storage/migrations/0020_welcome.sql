-- A welcome at the door (issue 14): welcomers (a role, never a name), meetings where the group switched
-- welcoming on, newcomers' requests, and the short-lived messages between the two sides.

-- An invite grants a role: 'support' (as before) or 'welcomer'.
ALTER TABLE invites ADD COLUMN role TEXT NOT NULL DEFAULT 'support';
-- One active role of each kind per pseudonym (a support worker may also welcome).
DROP INDEX support_workers_active;
CREATE UNIQUE INDEX support_workers_active ON support_workers(user_key, role) WHERE revoked_at IS NULL;
-- A welcomer can pause (no offers while paused).
ALTER TABLE support_workers ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;

-- Meetings whose group wants newcomers welcomed (the group's own choice).
CREATE TABLE welcome_meetings (
    meeting_id INTEGER PRIMARY KEY,
    since      TEXT NOT NULL,
    by_role    INTEGER
);

-- The meetings a welcomer welcomes at. user_key: erased with the welcomer.
CREATE TABLE welcomer_meetings (
    worker_id  INTEGER NOT NULL,
    meeting_id INTEGER NOT NULL,
    user_key   TEXT NOT NULL,
    PRIMARY KEY (worker_id, meeting_id)
);
CREATE INDEX welcomer_meetings_meeting ON welcomer_meetings(meeting_id);

-- A newcomer's request for one date. user_key is the newcomer (erased with them); the welcomer is a
-- role id. nick_box and find_box are sealed (AES-GCM, key outside the database) and the whole row is
-- deleted the day after the meeting (keep_until).
CREATE TABLE welcome_requests (
    id          INTEGER PRIMARY KEY,
    user_key    TEXT NOT NULL,
    meeting_id  INTEGER NOT NULL,
    program     TEXT NOT NULL,
    on_date     TEXT NOT NULL,
    starts_at   TEXT NOT NULL,
    ends_at     TEXT NOT NULL,
    deadline_at TEXT NOT NULL,
    keep_until  TEXT NOT NULL,
    nick_box    BLOB,
    status      TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'accepted', 'uncovered', 'ended')),
    welcomer_id INTEGER,
    find_box    BLOB,
    sent_day    TEXT,
    sent_newcomer INTEGER NOT NULL DEFAULT 0,
    sent_welcomer INTEGER NOT NULL DEFAULT 0,
    met_asked   INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);
CREATE INDEX welcome_requests_user ON welcome_requests(user_key, status);
CREATE INDEX welcome_requests_open ON welcome_requests(deadline_at) WHERE status = 'open';
CREATE INDEX welcome_requests_welcomer ON welcome_requests(welcomer_id) WHERE welcomer_id IS NOT NULL;
CREATE INDEX welcome_requests_keep ON welcome_requests(keep_until);

-- Which welcomers were offered a request (so the others hear it is taken).
CREATE TABLE welcome_offers (
    request_id INTEGER NOT NULL,
    worker_id  INTEGER NOT NULL,
    PRIMARY KEY (request_id, worker_id)
);

-- Messages of this feature still to send, one row per recipient. A relayed text is sealed in `body`
-- (bound to the recipient) and the row is deleted when it is sent or given up: nothing of it stays.
CREATE TABLE welcome_outbox (
    id          INTEGER PRIMARY KEY,
    user_key    TEXT NOT NULL,
    request_id  INTEGER NOT NULL,
    meeting_id  INTEGER NOT NULL,
    on_date     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    body        BLOB,
    due_at      TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'claimed')),
    lease_until TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX welcome_outbox_due ON welcome_outbox(due_at) WHERE status = 'pending';
CREATE INDEX welcome_outbox_user ON welcome_outbox(user_key);
CREATE INDEX welcome_outbox_request ON welcome_outbox(request_id);

-- Anonymous monthly figures per fellowship (month of the meeting date), never linked to a pseudonym.
CREATE TABLE welcome_counters (
    month     TEXT NOT NULL,
    program   TEXT NOT NULL,
    requested INTEGER NOT NULL DEFAULT 0,
    accepted  INTEGER NOT NULL DEFAULT 0,
    met       INTEGER NOT NULL DEFAULT 0,
    uncovered INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, program)
);
