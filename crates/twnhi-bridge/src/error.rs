//! Errors of the bridge itself (not of the card: those are [`CardError`](twnhi_card::CardError)s
//! and travel to the browser as codes).

use std::net::SocketAddr;
use std::path::PathBuf;
use thiserror::Error;

/// Why the bridge could not start, serve, or write its certificates.
///
/// Messages are bilingual (zh-TW / English) and never contain card data.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BridgeError {
    /// The listening socket could not be bound (port in use, no permission).
    #[error("無法在 {addr} 開始監聽（{source}）/ cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The server failed while serving.
    #[error("服務中斷（{0}）/ the server failed: {0}")]
    Serve(#[source] std::io::Error),
    /// The async runtime could not be started.
    #[error("無法啟動執行環境（{0}）/ cannot start the runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// A certificate or key file could not be read or written.
    #[error("無法存取 {path}（{source}）/ cannot access {path}: {source}")]
    File {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A PEM file holds no usable certificate or key.
    #[error("{what} 格式錯誤：{detail} / {what} is not usable: {detail}")]
    Pem {
        /// Which input (`certificate` or `private key`).
        what: &'static str,
        /// What is wrong with it.
        detail: String,
    },
    /// rustls refused the certificate and key.
    #[error("TLS 設定錯誤（{0}）/ TLS configuration refused: {0}")]
    Tls(#[source] tokio_rustls::rustls::Error),
    /// Generating a certificate failed.
    #[error("無法產生憑證（{0}）/ cannot generate the certificate: {0}")]
    CertGen(#[source] rcgen::Error),
    /// A configuration value is invalid.
    #[error("設定錯誤：{0}")]
    Config(#[from] ConfigError),
}

/// An invalid configuration value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// An origin is not `http(s)://host[:port]`.
    #[error(
        "來源「{0}」格式錯誤，應為 https://主機[:埠] / origin `{0}` is not of the form https://host[:port]"
    )]
    Origin(String),
    /// A host name is not a plain host name or IP address.
    #[error("主機名稱「{0}」格式錯誤 / host `{0}` is not a host name or IP address")]
    Host(String),
    /// A timeout or interval is too short or too long.
    #[error("{name} 必須介於 {min:?} 與 {max:?} 之間 / {name} must be between {min:?} and {max:?}")]
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
    #[error(
        "ws_ping_interval 必須短於 ws_idle_timeout / ws_ping_interval must be shorter than ws_idle_timeout"
    )]
    PingInterval,
    /// A limit is zero or too large.
    #[error("{name} 必須介於 {min} 與 {max} 之間 / {name} must be between {min} and {max}")]
    Limit {
        /// The setting.
        name: &'static str,
        /// Smallest value allowed.
        min: usize,
        /// Largest value allowed.
        max: usize,
    },
}
