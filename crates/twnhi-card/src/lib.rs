#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(clippy::indexing_slicing)]

pub mod atr;
pub mod auth;
mod basic;
pub mod commands;
mod error;
pub mod roc;
mod session;
mod text;

pub use basic::{BASIC_DATA_LEN, BasicData, BasicDataError, Sex};
pub use error::{CardError, Operation};
pub use session::{Challenge, NhiSession, Selection};
pub use text::{AsciiText, CardNo, IdNo};
/// The transport, moved to `twnhi-transport` so that reader backends and other card
/// applications can use it without this crate; re-exported here so that an NHI application
/// needs one dependency.
pub use twnhi_transport::{CardTransport, FnTransport, Reply, TransportError};
