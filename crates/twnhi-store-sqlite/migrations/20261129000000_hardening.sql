-- Hardening under attack and load (docs/service.md):
-- a waiting period for cancellations confirmed from a new e-mail address;
-- letter caps per recipient and per registration (a pseudonym of the address, never the
-- address itself);
-- claims on outbox rows, so only the worker holding a claim hands a letter over;
-- a heartbeat row written by the readiness probe.

ALTER TABLE registrations ADD COLUMN cancel_effective_at TEXT;
CREATE INDEX registrations_cancel_due ON registrations (cancel_effective_at)
    WHERE cancel_effective_at IS NOT NULL;

ALTER TABLE outbox ADD COLUMN recipient_key TEXT;
ALTER TABLE outbox ADD COLUMN claimant TEXT;
CREATE INDEX outbox_by_recipient ON outbox (recipient_key, created_at);
CREATE INDEX outbox_by_registration_time ON outbox (registration_id, created_at);

CREATE INDEX sessions_by_last_seen ON sessions (kind, last_seen_at);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
CREATE INDEX throttles_by_time ON throttles (last_failure);

CREATE TABLE heartbeat (
    name TEXT PRIMARY KEY NOT NULL,
    at   TEXT NOT NULL
);
