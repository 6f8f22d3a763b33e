-- The citizen certificate login (manual §六): how the person of a session was authenticated.
-- NULL (rows from before) and 'card' are the NHI card; 'certificate' the citizen certificate.
ALTER TABLE sessions ADD COLUMN card_via text CHECK (card_via IN ('card', 'certificate'));
