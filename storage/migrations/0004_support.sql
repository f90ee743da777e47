-- Support workers (issue 7): roles, invites, the audit log, broadcasts and their durable outbox.

-- A support-worker role held by a pseudonym. No name; `note` is what the admin typed (e.g. "regio Utrecht").
CREATE TABLE support_workers (
    id         INTEGER PRIMARY KEY,
    user_key   TEXT NOT NULL,
    role       TEXT NOT NULL DEFAULT 'support',
    note       TEXT,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE UNIQUE INDEX support_workers_active ON support_workers(user_key) WHERE revoked_at IS NULL;

-- One-time invite codes, stored only as a keyed digest (KeyRing.tag("invite", code)).
CREATE TABLE invites (
    id         INTEGER PRIMARY KEY,
    code_tag   TEXT NOT NULL UNIQUE,
    note       TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    used_by    INTEGER REFERENCES support_workers(id)
);

-- Failed guesses of invite codes, for rate limiting per pseudonym and in total.
CREATE TABLE invite_attempts (
    id           INTEGER PRIMARY KEY,
    user_key     TEXT NOT NULL,
    attempted_at TEXT NOT NULL
);
CREATE INDEX invite_attempts_user ON invite_attempts(user_key, attempted_at);
CREATE INDEX invite_attempts_at ON invite_attempts(attempted_at);

-- What support workers did: when, which role (never a user_key), what. Never recipients.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    role_id    INTEGER,
    action     TEXT NOT NULL,
    meeting_id INTEGER,
    summary    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);

-- The values a permanent edit or a closure replaced, so reopen can restore them.
ALTER TABLE meeting_changes ADD COLUMN previous TEXT;

-- A message to many: about one meeting, or to the followers of a fellowship in a region.
CREATE TABLE broadcasts (
    id          INTEGER PRIMARY KEY,
    meeting_id  INTEGER,
    program     TEXT,
    region      TEXT,
    kind        TEXT NOT NULL,
    params      TEXT NOT NULL DEFAULT '{}',
    text        TEXT,
    created_by  INTEGER,
    created_at  TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'sending' CHECK (status IN ('sending', 'done')),
    total       INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    sent        INTEGER NOT NULL DEFAULT 0,
    blocked     INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0,
    finished_at TEXT
);
CREATE INDEX broadcasts_status ON broadcasts(status);

-- One row per recipient of a broadcast: the durable fan-out.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    broadcast_id    INTEGER NOT NULL REFERENCES broadcasts(id) ON DELETE CASCADE,
    user_key        TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'claimed', 'sent', 'blocked', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    lease_until     TEXT,
    next_attempt_at TEXT NOT NULL,
    sent_at         TEXT,
    UNIQUE (broadcast_id, user_key)
);
CREATE INDEX outbox_pending ON outbox(next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_claimed ON outbox(lease_until) WHERE status = 'claimed';
CREATE INDEX outbox_user ON outbox(user_key, status);
CREATE INDEX outbox_progress ON outbox(broadcast_id, status);

-- Settling a row counts it on its broadcast in the same statement; a row erased before it was settled
-- (the person used /stop) no longer counts as queued but as not reachable.
CREATE TRIGGER outbox_settled AFTER UPDATE OF status ON outbox
WHEN OLD.status IN ('pending', 'claimed') AND NEW.status IN ('sent', 'blocked', 'failed')
BEGIN
    UPDATE broadcasts SET sent = sent + (NEW.status = 'sent'), blocked = blocked + (NEW.status = 'blocked'),
        failed = failed + (NEW.status = 'failed')
    WHERE id = NEW.broadcast_id;
END;
CREATE TRIGGER outbox_erased AFTER DELETE ON outbox
WHEN OLD.status IN ('pending', 'claimed')
BEGIN
    UPDATE broadcasts SET total = total - 1, skipped = skipped + 1 WHERE id = OLD.broadcast_id;
END;

-- A support worker's permanent edits and closures outlive feed imports: whenever a meeting row is
-- updated (an import upserts every row of its source), the latest edit of each field and the latest
-- close/reopen are applied again. Support code writes its meeting_changes row before updating meetings.
CREATE TRIGGER meetings_keep_support_edits AFTER UPDATE ON meetings
WHEN EXISTS (SELECT 1 FROM meeting_changes c WHERE c.meeting_id = NEW.id AND c.kind IN ('edit', 'close', 'reopen'))
BEGIN
    UPDATE meetings SET
        start_time = coalesce((SELECT new_start FROM meeting_changes WHERE meeting_id = NEW.id
            AND kind = 'edit' AND new_start IS NOT NULL ORDER BY id DESC LIMIT 1), start_time),
        end_time = coalesce((SELECT new_end FROM meeting_changes WHERE meeting_id = NEW.id
            AND kind = 'edit' AND new_end IS NOT NULL ORDER BY id DESC LIMIT 1), end_time),
        location = coalesce((SELECT new_location FROM meeting_changes WHERE meeting_id = NEW.id
            AND kind = 'edit' AND new_location IS NOT NULL ORDER BY id DESC LIMIT 1), location),
        address = coalesce((SELECT new_address FROM meeting_changes WHERE meeting_id = NEW.id
            AND kind = 'edit' AND new_address IS NOT NULL ORDER BY id DESC LIMIT 1), address),
        conference_url = coalesce((SELECT new_url FROM meeting_changes WHERE meeting_id = NEW.id
            AND kind = 'edit' AND new_url IS NOT NULL ORDER BY id DESC LIMIT 1), conference_url),
        attendance = CASE WHEN (SELECT kind FROM meeting_changes WHERE meeting_id = NEW.id
            AND kind IN ('close', 'reopen') ORDER BY id DESC LIMIT 1) = 'close' THEN 'inactive' ELSE attendance END,
        cell = CASE WHEN (SELECT kind FROM meeting_changes WHERE meeting_id = NEW.id
            AND kind IN ('close', 'reopen') ORDER BY id DESC LIMIT 1) = 'close' THEN NULL ELSE cell END
    WHERE id = NEW.id;
END;
