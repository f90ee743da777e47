-- Coordinates that stand for a town's centre, not the venue (a meeting a support worker added by hand):
-- good enough to be found near me, never shown as a map pin.
ALTER TABLE meetings ADD COLUMN approximate INTEGER NOT NULL DEFAULT 0;
