#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod autostart;
pub mod backend;
pub mod certs;
mod clients;
pub mod config;
mod conn;
mod error;
pub mod legacy;
pub mod nss;
mod page;
pub mod protocol;
mod run;
mod server;
mod service;
pub mod settings;
pub mod tls;

#[cfg(feature = "pcsc")]
pub use backend::PcscBackend;
#[cfg(feature = "sim")]
pub use backend::SimBackend;
pub use backend::{CardBackend, CardRead, EventSink, ReaderInfo, WatchHandle};
pub use config::{BridgeConfig, Origin, OriginPolicy};
pub use error::{BridgeError, ConfigError};
pub use protocol::BridgeEvent;
pub use run::{BoundBridge, Bridge, BridgeHandle, run_blocking};
pub use tls::TlsSettings;
