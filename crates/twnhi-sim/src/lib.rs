#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod card;
mod faults;
mod identity;
mod reader;
pub mod vpcd;

pub use card::{CommandRecord, SimCard};
pub use faults::{Faults, FaultsError, NamePadding};
pub use identity::{Identity, IdentityError};
pub use reader::SimReader;
