-- "Deze keer niet" is remembered, so a welcomer who declined is not asked about that request again (when
-- they resume after a pause, tick the meeting again, or another welcomer gives the request back).
ALTER TABLE welcome_offers ADD COLUMN declined INTEGER NOT NULL DEFAULT 0;
