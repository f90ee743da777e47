-- Follows and weekly reminders end when a pseudonym is erased after 90 days without contact. A week before,
-- the bot asks once whether to keep them (issue 12). One row per pseudonym: the expiry it asked about, so a
-- later contact (which moves users.expires_at) lets it ask again next time. Erased with the pseudonym.
CREATE TABLE expiry_questions (
    user_key    TEXT PRIMARY KEY,
    for_expiry  TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'failed')),
    lease_until TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
