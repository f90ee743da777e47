-- Failed invite-code guesses, keyed by a keyed digest of the pseudonym (not the pseudonym itself), so /stop
-- does not reset the limit; rows older than a day are deleted (issue 18).
CREATE TABLE invite_guesses (
    id           INTEGER PRIMARY KEY,
    guess_key    TEXT NOT NULL,
    attempted_at TEXT NOT NULL
);
CREATE INDEX invite_guesses_key ON invite_guesses(guess_key, attempted_at);
CREATE INDEX invite_guesses_at ON invite_guesses(attempted_at);
DROP TABLE invite_attempts;
