//! Why the demo could not start or stop.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Why the demo could not start or stop. `Display` is bilingual ("zh-TW / English").
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DemoError {
    /// A file or directory of the data directory could not be read or written.
    #[error("無法讀寫 {path} / cannot read or write {path}: {source}")]
    File {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// An address could not be bound (in use, or not this machine's).
    #[error("無法使用位址 {addr} / cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The demo serves plain http, so only on a loopback address.
    #[error(
        "展示僅能在本機位址提供（{addr} 不是）/ the demo serves plain http on loopback addresses only ({addr} is not one)"
    )]
    NotLoopback {
        /// The address asked for.
        addr: SocketAddr,
    },
    /// The operating system's random numbers are unavailable.
    #[error("無法取得亂數 / the system's random numbers are unavailable")]
    Random,
    /// The use cases refused their configuration.
    #[error(transparent)]
    Service(#[from] twnhi_service::ServiceError),
    /// The site refused its configuration or failed while serving.
    #[error(transparent)]
    Web(#[from] twnhi_web::WebError),
}

impl DemoError {
    /// Whether the machine is at fault (an address in use, a directory that cannot be
    /// written) rather than the demo: the CLI exits with 3 then.
    #[must_use]
    pub fn is_environment(&self) -> bool {
        matches!(
            self,
            DemoError::File { .. } | DemoError::Bind { .. } | DemoError::Random
        )
    }
}
