-- Welcome messages are deleted once sent, so a plain rowid would be handed out again to the next row; the
-- sender remembers recently settled ids (to never send one claim twice), so ids must never be reused.
CREATE TABLE welcome_outbox_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO welcome_outbox_new SELECT id, user_key, request_id, meeting_id, on_date, kind, body, due_at, status,
    lease_until, attempts FROM welcome_outbox;
DROP TABLE welcome_outbox;
ALTER TABLE welcome_outbox_new RENAME TO welcome_outbox;
CREATE INDEX welcome_outbox_due ON welcome_outbox(due_at) WHERE status = 'pending';
CREATE INDEX welcome_outbox_user ON welcome_outbox(user_key);
CREATE INDEX welcome_outbox_request ON welcome_outbox(request_id);
