#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(clippy::indexing_slicing)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(test)]
extern crate std;

mod command;
mod response;
mod status;
#[cfg(feature = "alloc")]
pub mod tlv;

pub use command::{
    Case, Command, CommandBuilder, EncodeError, MAX_NC_EXTENDED, MAX_NC_SHORT, MAX_NE_EXTENDED,
    MAX_NE_SHORT, ParseError,
};
pub use response::{Response, ResponseError};
pub use status::{OtherStatus, RetryCount, Status};
