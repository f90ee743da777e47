-- Anonymous referral counters: how often a poster's tag (e.g. a clinic's) opened the bot, per day.
-- Never linked to a person: there is deliberately no user_key here.
CREATE TABLE referrals (
    tag   TEXT NOT NULL,
    day   TEXT NOT NULL,
    count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tag, day)
) WITHOUT ROWID;

-- Groups the bot has already told that it only works in private chats: a keyed HMAC of the group id only.
CREATE TABLE group_notices (
    group_key TEXT PRIMARY KEY,
    noticed_at TEXT NOT NULL
) WITHOUT ROWID;
