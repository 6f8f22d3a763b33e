#![forbid(unsafe_code)]
#![doc = include_str!("../README.md")]

mod cards;
mod certs;
mod demo;
mod error;
mod mailbox;
pub mod people;

pub use cards::DemoCards;
pub use certs::{CertificateTokens, DEMO_PIN};
pub use demo::{Demo, DemoOptions};
pub use error::DemoError;
pub use mailbox::DevMailbox;
pub use people::{DemoFiles, DemoPerson, generate, write};
