-- Referral links a professional made in the chat: a random tag, owned by their pseudonym (erased with /stop).
CREATE TABLE referrer_tags (
    tag        TEXT PRIMARY KEY,
    user_key   TEXT NOT NULL,
    phase      TEXT NOT NULL CHECK (phase IN ('intake', 'wachtlijst', 'nazorg')),
    created_at TEXT NOT NULL
);
CREATE INDEX referrer_tags_user ON referrer_tags(user_key);

-- Anonymous monthly counters per tag: trials started, first meeting attended, six reached. Never a person.
CREATE TABLE tag_counters (
    tag            TEXT NOT NULL,
    month          TEXT NOT NULL,
    started        INTEGER NOT NULL DEFAULT 0,
    first_attended INTEGER NOT NULL DEFAULT 0,
    six_reached    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tag, month)
);

-- The tag a person arrived with, on their trial only (erased with the trial and with /stop).
ALTER TABLE trials ADD COLUMN referral_tag TEXT;
