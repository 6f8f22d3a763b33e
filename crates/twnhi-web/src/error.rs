//! Errors of setting the site up and running it. Errors of a request never leave a handler:
//! they become a page with the bilingual message (or a JSON error body on the app API).

use std::io;

pub(crate) use twnhi_account::messages::joined;

/// A setting that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// Cookies without `Secure` were asked for a site that is not plain http on loopback.
    #[error("{}", crate::error::joined("web-error-plain-http", &[], " / "))]
    PlainHttp,
    /// Secure cookies on a site whose public URL is plain http: the browser would drop them.
    #[error("{}", crate::error::joined("web-error-insecure-cookies", &[], " / "))]
    InsecureCookies,
    /// The bridge origin is not `http(s)://host[:port]`.
    #[error("{}", crate::error::joined("web-error-bridge-origin", &[], " / "))]
    BridgeOrigin,
    /// A limit is out of range.
    #[error("{}", crate::error::joined("web-error-limit", &[("what", .0.to_string().into())], " / "))]
    Limit(&'static str),
}

/// Why the site could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebError {
    /// A setting cannot be used.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The listening socket could not be opened.
    #[error("{}", crate::error::joined("web-error-bind", &[("addr", addr.to_string().into()), ("source", source.to_string().into())], " / "))]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// The system's error.
        #[source]
        source: io::Error,
    },
    /// The server failed while running.
    #[error("{}", crate::error::joined("web-error-serve", &[("source", .0.to_string().into())], " / "))]
    Serve(#[source] io::Error),
    /// The operating system's random source failed.
    #[error("{}", crate::error::joined("web-error-random", &[], " / "))]
    Random,
    /// The use-case layer could not be set up.
    #[error(transparent)]
    Service(#[from] twnhi_service::ServiceError),
    /// A file of the demo or the mailbox could not be read or written.
    #[error("{}", crate::error::joined("web-error-file", &[("path", path.display().to_string().into()), ("source", source.to_string().into())], " / "))]
    File {
        /// The file.
        path: std::path::PathBuf,
        /// The system's error.
        #[source]
        source: io::Error,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_bilingual_from_the_catalog() {
        assert_eq!(
            ConfigError::Limit("max_connections").to_string(),
            "設定值超出範圍：max_connections / setting out of range: max_connections"
        );
        let e = WebError::Bind {
            addr: "127.0.0.1:8080".parse().unwrap(),
            source: io::Error::other("in use"),
        };
        assert_eq!(
            e.to_string(),
            "無法監聽 127.0.0.1:8080 / cannot listen on 127.0.0.1:8080: in use"
        );
        assert_eq!(
            WebError::Random.to_string(),
            "無法取得作業系統亂數 / the operating system's random source failed"
        );
    }
}
