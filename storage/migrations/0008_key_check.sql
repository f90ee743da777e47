-- A check value of the secret key (an HMAC under a key derived from it; it reveals nothing about the key),
-- so a missing, damaged or different key stops start-up instead of silently orphaning everyone (issue 18).
CREATE TABLE key_check (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    value     TEXT NOT NULL,
    stored_at TEXT NOT NULL
);
