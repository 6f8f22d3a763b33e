//! Why the demo could not start or stop.

use std::net::SocketAddr;
use std::path::PathBuf;

use twnhi_texts::joined;

/// Why the demo could not start or stop. `Display` is bilingual ("zh-TW / English", from the
/// catalog).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DemoError {
    /// A file or directory of the data directory could not be read or written.
    #[error("{}", joined("demo-error-file", &[("path", path.display().to_string().into()), ("source", source.to_string().into())], " / "))]
    File {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// An address could not be bound (in use, or not this machine's).
    #[error("{}", joined("demo-error-bind", &[("addr", addr.to_string().into()), ("source", source.to_string().into())], " / "))]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The demo serves plain http, so only on a loopback address.
    #[error("{}", joined("demo-error-not-loopback", &[("addr", addr.to_string().into())], "/ "))]
    NotLoopback {
        /// The address asked for.
        addr: SocketAddr,
    },
    /// The operating system's random numbers are unavailable.
    #[error("{}", twnhi_texts::bilingual("demo-error-random"))]
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
