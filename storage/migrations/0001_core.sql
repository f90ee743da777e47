-- Pseudonymous users. user_key = HMAC-SHA256(chat id) in hex; nothing else identifies a person.
-- state holds the flow position as JSON (button ids and choices), never free text or locations.
-- chat_box is the chat id sealed with AEAD; set only while something must be sent unprompted.
CREATE TABLE users (
    user_key   TEXT PRIMARY KEY,
    lang       TEXT NOT NULL DEFAULT 'nl',
    state      TEXT NOT NULL DEFAULT '{}',
    chat_box   BLOB,
    updated_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX users_expires_at ON users(expires_at);
