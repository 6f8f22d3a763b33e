#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    warn(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::print_stdout,
        clippy::print_stderr,
        clippy::indexing_slicing
    )
)]

mod error;
mod exchange;
mod transport;

pub use error::TransportError;
pub use exchange::{
    ExchangeError, INS_GET_RESPONSE, MAX_GET_RESPONSE_ROUNDS, Reply, exchange, get_response,
};
pub use transport::{CardTransport, FnTransport};
