-- twnhi registration store, SQLite. Times are RFC 3339 UTC text with microseconds and a
-- trailing Z (fixed width), so text comparison is time order. Keep statements portable where
-- easy: a PostgreSQL directory of migrations would mirror this file.

-- The registry of insured persons (one row per card).
CREATE TABLE insured_persons (
    card_number  TEXT PRIMARY KEY NOT NULL,
    id_number    TEXT NOT NULL,
    name         TEXT NOT NULL,
    birth_date   TEXT NOT NULL,
    sex          TEXT NOT NULL CHECK (sex IN ('M', 'F')),
    card_status  TEXT NOT NULL CHECK (card_status IN ('valid', 'revoked')),
    household_id TEXT NOT NULL,
    county       TEXT NOT NULL,
    township     TEXT NOT NULL,
    village      TEXT NOT NULL,
    neighborhood INTEGER NOT NULL CHECK (neighborhood BETWEEN 1 AND 999),
    updated_at   TEXT NOT NULL
);
CREATE INDEX insured_persons_by_id ON insured_persons (id_number);
-- A person has at most one valid card.
CREATE UNIQUE INDEX insured_persons_one_valid_card ON insured_persons (id_number)
    WHERE card_status = 'valid';

-- Registrations: one per person among those not cancelled.
CREATE TABLE registrations (
    id            TEXT PRIMARY KEY NOT NULL,
    id_number     TEXT NOT NULL,
    card_number   TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('pending-email-verification', 'active',
                      'suspended', 'cancellation-requested', 'cancelled')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    verified_at   TEXT,
    cancelled_at  TEXT,
    version       BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX registrations_one_per_person ON registrations (id_number)
    WHERE state <> 'cancelled';

-- E-mail addresses and phones of a registration.
CREATE TABLE contacts (
    registration_id TEXT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('email', 'spare-email', 'mobile-phone',
                        'local-phone')),
    value           TEXT NOT NULL,
    PRIMARY KEY (registration_id, kind)
);

-- Bound mobile devices. The TOTP secret is derived from the server key and the seed.
CREATE TABLE devices (
    registration_id TEXT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    device_id       TEXT NOT NULL,
    platform        TEXT NOT NULL,
    model           TEXT NOT NULL,
    verified_at     TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('active', 'disabled', 'deleted')),
    last_totp_step  BIGINT,
    totp_seed       TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    PRIMARY KEY (registration_id, device_id)
);

-- One-time secrets: HMAC digests only, never the plaintext.
CREATE TABLE secrets (
    digest        TEXT PRIMARY KEY NOT NULL,
    kind          TEXT NOT NULL,
    subject       TEXT NOT NULL,
    issued_at     TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    attempts_left INTEGER NOT NULL CHECK (attempts_left >= 0),
    used          INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1)),
    payload       TEXT
);
CREATE UNIQUE INDEX secrets_one_per_subject ON secrets (kind, subject);

-- Browser sessions and app tokens, by the SHA-256 of the token.
CREATE TABLE sessions (
    digest           TEXT PRIMARY KEY NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('web', 'app')),
    registration_id  TEXT REFERENCES registrations (id) ON DELETE CASCADE,
    device_id        TEXT,
    created_at       TEXT NOT NULL,
    last_seen_at     TEXT NOT NULL,
    expires_at       TEXT NOT NULL,
    card_number      TEXT,
    card_verified_at TEXT
);
CREATE INDEX sessions_by_registration ON sessions (registration_id);

-- Throttling counters (per registration, per client address, per ID number …).
CREATE TABLE throttles (
    key          TEXT PRIMARY KEY NOT NULL,
    failures     INTEGER NOT NULL,
    last_failure TEXT
);

-- The mail outbox: letters written with their state change, delivered by a worker.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY NOT NULL,
    registration_id TEXT,
    kind            TEXT NOT NULL,
    payload         BLOB,
    created_at      TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_until   TEXT,
    last_error      TEXT,
    sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_by_registration ON outbox (registration_id);

-- The audit trail of security-relevant events.
CREATE TABLE audit_events (
    seq             INTEGER PRIMARY KEY,
    at              TEXT NOT NULL,
    registration_id TEXT,
    action          TEXT NOT NULL,
    outcome         TEXT NOT NULL,
    client          TEXT,
    detail          TEXT NOT NULL
);
CREATE INDEX audit_by_registration ON audit_events (registration_id, seq);
