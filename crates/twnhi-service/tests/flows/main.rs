//! Every flow of SPEC §4 end to end against SQLite (temp-file databases), with the simulated
//! card doing the card side of the authentication and the outbox worker delivering letters
//! into an in-memory mailbox; the same stack tried as an attacker would (`attacks`) and
//! under races made certain (`concurrency`). One test binary for this tier, a module per
//! area. Tests that need a process of their own stay apart: `memory.rs` (the process's peak
//! resident memory is the measurement), `timing.rs` (other tests' threads would be its
//! noise) and `crash.rs` (it re-runs its own executable and kills it).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod account;
mod apply;
mod attacks;
mod cancel;
mod card;
mod concurrency;
mod devices;
mod operations;
mod support;
