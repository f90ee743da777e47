-- One timestamp format in the whole database: UTC 'YYYY-MM-DDTHH:MM:SSZ' (storage.db.utc_text), which
-- sorts as time. Earlier rows hold '...+00:00' (or another offset) in some tables: convert them, keeping
-- any value SQLite cannot read as it was. Dates (YYYY-MM-DD) and months stay as they are.
UPDATE users SET
    updated_at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', updated_at), updated_at),
    expires_at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', expires_at), expires_at);
UPDATE meetings SET last_seen = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', last_seen), last_seen)
    WHERE last_seen IS NOT NULL AND last_seen NOT GLOB '????-??-??T??:??:??Z';
UPDATE meeting_changes SET created_at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', created_at), created_at);
UPDATE follows SET created_at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', created_at), created_at);
UPDATE trials SET
    started_at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', started_at), started_at),
    ended_at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', ended_at), ended_at);
UPDATE reminders SET
    due_at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', due_at), due_at),
    lease_until = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', lease_until), lease_until);
UPDATE trial_sync SET last_purge = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', last_purge), last_purge);
UPDATE support_workers SET
    created_at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', created_at), created_at),
    revoked_at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', revoked_at), revoked_at);
UPDATE invites SET
    created_at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', created_at), created_at),
    expires_at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', expires_at), expires_at),
    used_at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', used_at), used_at);
UPDATE invite_guesses SET attempted_at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', attempted_at), attempted_at);
UPDATE audit_log SET at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', at), at);
UPDATE broadcasts SET
    created_at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', created_at), created_at),
    finished_at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', finished_at), finished_at);
UPDATE outbox SET
    lease_until = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', lease_until), lease_until),
    next_attempt_at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', next_attempt_at), next_attempt_at),
    sent_at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', sent_at), sent_at);
UPDATE group_notices SET noticed_at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', noticed_at), noticed_at);
UPDATE schema_migrations SET applied_at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', applied_at), applied_at);
UPDATE feed_state SET
    checked_at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', checked_at), checked_at),
    changed_at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', changed_at), changed_at);
UPDATE referrer_tags SET created_at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', created_at), created_at);
