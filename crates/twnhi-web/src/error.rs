//! Errors of setting the site up and running it. Errors of a request never leave a handler:
//! they become a page with the bilingual message (or a JSON error body on the app API).

use std::io;

/// A setting that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// Cookies without `Secure` were asked for a site that is not plain http on loopback.
    #[error(
        "不加密的 http 僅限於本機 127.0.0.1 的展示使用 / plain-http cookies are only allowed for a site listening on loopback with an http://localhost or http://127.0.0.1 public URL"
    )]
    PlainHttp,
    /// Secure cookies on a site whose public URL is plain http: the browser would drop them.
    #[error(
        "網站網址為 http，無法使用安全 Cookie；請使用 https，或僅於本機展示時使用不加密模式 / the public URL is http, so Secure cookies would never be sent back: use https, or the plain-http loopback mode for a local demo"
    )]
    InsecureCookies,
    /// The bridge origin is not `http(s)://host[:port]`.
    #[error(
        "健保卡元件網址格式錯誤，須為 http(s)://主機:連接埠 / the bridge origin must be http(s)://host[:port]"
    )]
    BridgeOrigin,
    /// A limit is out of range.
    #[error("設定值超出範圍：{0} / setting out of range: {0}")]
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
    #[error("無法監聽 {addr} / cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// The system's error.
        #[source]
        source: io::Error,
    },
    /// The server failed while running.
    #[error("網站服務錯誤 / the web server failed: {0}")]
    Serve(#[source] io::Error),
    /// The operating system's random source failed.
    #[error("無法取得作業系統亂數 / the operating system's random source failed")]
    Random,
    /// The use-case layer could not be set up.
    #[error(transparent)]
    Service(#[from] twnhi_service::ServiceError),
    /// A file of the demo or the mailbox could not be read or written.
    #[error("檔案存取錯誤 {path} / cannot access {path}: {source}")]
    File {
        /// The file.
        path: std::path::PathBuf,
        /// The system's error.
        #[source]
        source: io::Error,
    },
}
