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

mod command;
mod response;
mod status;
pub mod tlv;

pub use command::{
    Case, Command, CommandBuilder, CommandView, EncodeError, MAX_NC_EXTENDED, MAX_NC_SHORT,
    MAX_NE_EXTENDED, MAX_NE_SHORT, ParseError,
};
pub use response::{Response, ResponseError};
pub use status::Status;
