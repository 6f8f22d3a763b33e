-- twnhi registration store, PostgreSQL (15 or newer). The same tables, columns and
-- constraints as the SQLite adapter's migrations, with PostgreSQL's own types: instants are
-- `timestamptz` (microseconds, as the SQLite adapter keeps them), counters `bigint`, flags
-- `boolean`, letters `bytea`, and insertion order an identity column.

-- The registry of insured persons (one row per card).
CREATE TABLE insured_persons (
    card_number  text PRIMARY KEY,
    id_number    text NOT NULL,
    name         text NOT NULL,
    birth_date   date NOT NULL,
    sex          text NOT NULL CHECK (sex IN ('M', 'F')),
    card_status  text NOT NULL CHECK (card_status IN ('valid', 'revoked')),
    household_id text NOT NULL,
    county       text NOT NULL,
    township     text NOT NULL,
    village      text NOT NULL,
    neighborhood bigint NOT NULL CHECK (neighborhood BETWEEN 1 AND 999),
    updated_at   timestamptz NOT NULL
);
CREATE INDEX insured_persons_by_id ON insured_persons (id_number);
-- A person has at most one valid card.
CREATE UNIQUE INDEX insured_persons_one_valid_card ON insured_persons (id_number)
    WHERE card_status = 'valid';

-- Registrations: one per person among those not cancelled.
CREATE TABLE registrations (
    id                  text PRIMARY KEY,
    id_number           text NOT NULL,
    card_number         text NOT NULL,
    state               text NOT NULL CHECK (state IN ('pending-email-verification', 'active',
                            'suspended', 'cancellation-requested', 'cancelled')),
    password_hash       text NOT NULL,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    verified_at         timestamptz,
    cancelled_at        timestamptz,
    cancel_effective_at timestamptz,
    version             bigint NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX registrations_one_per_person ON registrations (id_number)
    WHERE state <> 'cancelled';
CREATE INDEX registrations_cancel_due ON registrations (cancel_effective_at)
    WHERE cancel_effective_at IS NOT NULL;

-- E-mail addresses and phones of a registration.
CREATE TABLE contacts (
    registration_id text NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('email', 'spare-email', 'mobile-phone',
                        'local-phone')),
    value           text NOT NULL,
    PRIMARY KEY (registration_id, kind)
);

-- Bound mobile devices. The TOTP secret is derived from the server key and the seed.
CREATE TABLE devices (
    registration_id text NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    device_id       text NOT NULL,
    platform        text NOT NULL,
    model           text NOT NULL,
    verified_at     timestamptz NOT NULL,
    state           text NOT NULL CHECK (state IN ('active', 'disabled', 'deleted')),
    last_totp_step  bigint,
    totp_seed       text NOT NULL,
    seq             bigint NOT NULL,
    PRIMARY KEY (registration_id, device_id)
);

-- One-time secrets: HMAC digests only, never the plaintext.
CREATE TABLE secrets (
    digest        text PRIMARY KEY,
    kind          text NOT NULL,
    subject       text NOT NULL,
    issued_at     timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    attempts_left bigint NOT NULL CHECK (attempts_left >= 0),
    used          boolean NOT NULL DEFAULT false,
    payload       text
);
CREATE UNIQUE INDEX secrets_one_per_subject ON secrets (kind, subject);
CREATE INDEX secrets_by_subject ON secrets (subject);
CREATE INDEX secrets_by_expiry ON secrets (expires_at);

-- Browser sessions and app tokens, by the SHA-256 of the token.
CREATE TABLE sessions (
    digest           text PRIMARY KEY,
    kind             text NOT NULL CHECK (kind IN ('web', 'app')),
    registration_id  text REFERENCES registrations (id) ON DELETE CASCADE,
    device_id        text,
    created_at       timestamptz NOT NULL,
    last_seen_at     timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL,
    card_number      text,
    card_verified_at timestamptz
);
CREATE INDEX sessions_by_registration ON sessions (registration_id);
CREATE INDEX sessions_by_last_seen ON sessions (kind, last_seen_at);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Throttling counters (per registration, per client address, per ID number …). `text_pattern_ops`
-- serves the prefix resets (`starts_with`) whatever the database's collation.
CREATE TABLE throttles (
    key          text PRIMARY KEY,
    failures     bigint NOT NULL,
    last_failure timestamptz
);
CREATE INDEX throttles_by_time ON throttles (last_failure);
CREATE INDEX throttles_by_prefix ON throttles (key text_pattern_ops);

-- The mail outbox: letters written with their state change, delivered by workers that claim
-- them (FOR UPDATE SKIP LOCKED) under a lease. `seq` is the order of insertion.
CREATE TABLE outbox (
    seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    id              text PRIMARY KEY,
    registration_id text,
    kind            text NOT NULL,
    payload         bytea,
    created_at      timestamptz NOT NULL,
    status          text NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        bigint NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    claimed_until   timestamptz,
    claimant        text,
    last_error      text,
    sent_at         timestamptz,
    recipient_key   text
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_by_registration_time ON outbox (registration_id, created_at);
CREATE INDEX outbox_by_recipient ON outbox (recipient_key, created_at);

-- The audit trail of security-relevant events.
CREATE TABLE audit_events (
    seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL,
    registration_id text,
    action          text NOT NULL,
    outcome         text NOT NULL,
    client          text,
    detail          text NOT NULL
);
CREATE INDEX audit_by_registration ON audit_events (registration_id, seq);

-- The row the readiness probe writes.
CREATE TABLE heartbeat (
    name text PRIMARY KEY,
    at   timestamptz NOT NULL
);
