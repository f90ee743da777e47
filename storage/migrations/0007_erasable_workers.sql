-- Erasing a support worker (/stop, a block, the purge) deletes their role; an invite they used keeps that it
-- was used, but no longer points at the role (issue 18). SQLite cannot change a foreign key in place.
CREATE TABLE invites_new (
    id         INTEGER PRIMARY KEY,
    code_tag   TEXT NOT NULL UNIQUE,
    note       TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    used_by    INTEGER REFERENCES support_workers(id) ON DELETE SET NULL
);
INSERT INTO invites_new(id, code_tag, note, created_at, expires_at, used_at, used_by)
    SELECT id, code_tag, note, created_at, expires_at, used_at, used_by FROM invites;
DROP TABLE invites;
ALTER TABLE invites_new RENAME TO invites;
