#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(clippy::indexing_slicing)]

mod error;
mod exchange;
mod transport;

pub use error::TransportError;
pub use exchange::{
    ExchangeError, INS_GET_RESPONSE, MAX_GET_RESPONSE_ROUNDS, Reply, exchange, get_response,
};
pub use transport::{CardTransport, FnTransport};
