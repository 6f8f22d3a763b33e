#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    warn(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::print_stdout,
        clippy::print_stderr
    )
)]

mod card;
mod context;
mod error;
mod hexser;
mod reader;
mod watch;

pub use card::{PcscCard, PcscTransaction};
pub use context::{CancelHandle, Pcsc};
pub use error::{is_cancelled, map_pcsc_error};
pub use reader::{ReaderInfo, card_kind_label};
pub use watch::{Event, Watcher};

/// The `pcsc` crate this backend is built on, for callers that need its types.
pub use pcsc;
