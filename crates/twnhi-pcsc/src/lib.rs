#![doc = include_str!("../README.md")]
// `unsafe` is allowed in one module only, `ffi`: calling the system's PC/SC library, loaded
// at run time so that building needs no PC/SC headers or pkg-config.
#![deny(unsafe_code)]

mod card;
mod context;
mod error;
mod hexser;
// Calling the system's PC/SC library, loaded at run time so that building needs no PC/SC
// headers or pkg-config: the only module where `unsafe` is allowed (see its docs).
#[allow(unsafe_code)]
mod ffi;
pub mod pcsc;
mod reader;
mod watch;

pub use card::{PcscCard, PcscTransaction};
pub use context::{CancelHandle, Pcsc};
pub use error::{is_cancelled, map_pcsc_error};
pub use reader::{ReaderInfo, card_kind_label};
pub use watch::{Event, Watcher};
