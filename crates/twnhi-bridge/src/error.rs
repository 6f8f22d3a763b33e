//! Errors of the bridge itself (not of the card: those are [`CardError`](twnhi_card::CardError)s
//! and travel to the browser as codes).

use std::net::SocketAddr;
use std::path::PathBuf;
use thiserror::Error;
use twnhi_texts::{self as texts, Lang, bilingual};

pub(crate) use twnhi_texts::joined;

/// Why the bridge could not start, serve, or write its certificates.
///
/// Messages are bilingual (zh-TW / English, from the catalog's `bridge.ftl`) and never
/// contain card data.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BridgeError {
    /// The listening socket could not be bound (port in use, no permission).
    #[error("{}", joined("bridge-error-bind", &[("addr", addr.to_string().into()), ("source", source.to_string().into())], "/ "))]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The server failed while serving.
    #[error("{}", joined("bridge-error-serve", &[("source", .0.to_string().into())], "/ "))]
    Serve(#[source] std::io::Error),
    /// The async runtime could not be started.
    #[error("{}", joined("bridge-error-runtime", &[("source", .0.to_string().into())], "/ "))]
    Runtime(#[source] std::io::Error),
    /// A certificate or key file could not be read or written.
    #[error("{}", joined("bridge-error-file", &[("path", path.display().to_string().into()), ("source", source.to_string().into())], "/ "))]
    File {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A PEM file holds no usable certificate or key.
    #[error("{}", joined("bridge-error-pem", &[("what", (*what).into()), ("detail", detail.into())], " / "))]
    Pem {
        /// Which input (`certificate` or `private key`).
        what: &'static str,
        /// What is wrong with it.
        detail: String,
    },
    /// rustls refused the certificate and key.
    #[error("{}", joined("bridge-error-tls", &[("source", .0.to_string().into())], "/ "))]
    Tls(#[source] tokio_rustls::rustls::Error),
    /// Generating a certificate failed.
    #[error("{}", joined("bridge-error-cert-gen", &[("source", .0.to_string().into())], "/ "))]
    CertGen(#[source] rcgen::Error),
    /// A configuration value is invalid.
    #[error("{}", texts::format(Lang::ZhTw, "bridge-error-config", &[("reason", .0.to_string().into())]))]
    Config(#[from] ConfigError),
}

/// An invalid configuration value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// An origin is not `http(s)://host[:port]`.
    #[error("{}", joined("bridge-config-origin", &[("origin", .0.into())], " / "))]
    Origin(String),
    /// A host name is not a plain host name or IP address.
    #[error("{}", joined("bridge-config-host", &[("host", .0.into())], " / "))]
    Host(String),
    /// A timeout or interval is too short or too long.
    #[error("{}", joined("bridge-config-range", &[("name", (*name).into()), ("min", format!("{min:?}").into()), ("max", format!("{max:?}").into())], " / "))]
    Timeout {
        /// The setting.
        name: &'static str,
        /// Shortest value allowed.
        min: std::time::Duration,
        /// Longest value allowed.
        max: std::time::Duration,
    },
    /// The WebSocket ping interval is not shorter than the idle timeout (live pages would be
    /// closed between two pings).
    #[error("{}", bilingual("bridge-config-ping-interval"))]
    PingInterval,
    /// A limit is zero or too large.
    #[error("{}", joined("bridge-config-range", &[("name", (*name).into()), ("min", min.to_string().into()), ("max", max.to_string().into())], " / "))]
    Limit {
        /// The setting.
        name: &'static str,
        /// Smallest value allowed.
        min: usize,
        /// Largest value allowed.
        max: usize,
    },
}
