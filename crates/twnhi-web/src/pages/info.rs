//! 系統設定須知 (environment instructions), 檢測健保卡認證 (the environment check) and
//! 最新公告 (announcements).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::USER_AGENT;
use axum::response::Response;

use crate::app::{Site, render};
use crate::session::S;
use crate::templates::{CheckPage, NewsPage, SetupPage};
use crate::ua;

fn bridge_origin(site: &Site) -> String {
    site.config().bridge_origin.origin().ascii_serialization()
}

/// One operating system's row of the setup page's download table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DownloadRow {
    /// The OS's part of the catalog ids: `setup-dl-{os}`, `setup-dl-{os}-install-html`, ….
    pub os: &'static str,
    /// The release's files for this OS (none when no release is configured).
    pub files: Vec<ReleaseFile>,
}

/// A file of the release, as `SHA256SUMS` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ReleaseFile {
    /// The file name.
    pub name: String,
    /// Where to download it (`None` without `release_url`).
    pub url: Option<String>,
    /// Its SHA-256, lower-case hex.
    pub sha256: String,
}

/// The rows of the table, in the order shown.
const OSES: [&str; 4] = ["windows", "mac", "debian", "fedora"];

/// The largest `SHA256SUMS` read (a release lists a dozen files).
const MAX_SUMS_BYTES: u64 = 64 * 1024;

/// The OS row a release file belongs to, from its name (the release workflow's names).
fn os_of(name: &str) -> Option<&'static str> {
    let n = name.to_ascii_lowercase();
    if n.ends_with(".msi") || n.ends_with("-windows.zip") {
        Some("windows")
    } else if n.ends_with(".pkg") || n.ends_with(".pkg.zip") {
        Some("mac")
    } else if n.ends_with(".deb") || n.ends_with("-linux.tar.gz") {
        Some("debian")
    } else if n.ends_with(".rpm") {
        Some("fedora")
    } else {
        None
    }
}

/// The lines of `sha256sum` output: `<64 hex digits>  <name>` (or ` *<name>`, binary mode).
/// Lines that are not, and names that are not plain file names, are skipped.
fn parse_sums(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let (hash, rest) = line.split_at_checked(64)?;
            let name = rest
                .strip_prefix("  ")
                .or_else(|| rest.strip_prefix(" *"))?;
            let plain = !name.is_empty()
                && !name.starts_with('.')
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._+-~".contains(c));
            (hash.chars().all(|c| c.is_ascii_hexdigit()) && plain)
                .then(|| (hash.to_ascii_lowercase(), name.to_owned()))
        })
        .collect()
}

/// The download table from the text of `SHA256SUMS` (`None`: no release configured, every
/// row empty) and the base URL of the files.
fn download_rows(sums: Option<&str>, base: Option<&url::Url>) -> Vec<DownloadRow> {
    let files = sums.map(parse_sums).unwrap_or_default();
    OSES.iter()
        .map(|&os| DownloadRow {
            os,
            files: files
                .iter()
                .filter(|(_, name)| os_of(name) == Some(os))
                .map(|(sha256, name)| ReleaseFile {
                    name: name.clone(),
                    url: base.and_then(|b| b.join(name).ok()).map(String::from),
                    sha256: sha256.clone(),
                })
                .collect(),
        })
        .collect()
}

/// The release's `SHA256SUMS`, read now (a new release needs no restart); `None` when none is
/// configured or it cannot be read (logged).
async fn read_sums(path: Option<std::path::PathBuf>) -> Option<String> {
    let path = path?;
    let read = tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut text = String::new();
        std::fs::File::open(&path)
            .and_then(|f| f.take(MAX_SUMS_BYTES).read_to_string(&mut text))
            .map(|_| text)
            .map_err(|e| (path, e))
    })
    .await;
    match read {
        Ok(Ok(text)) => Some(text),
        Ok(Err((path, e))) => {
            tracing::warn!(path = %path.display(), error = %e, "cannot read release_sums");
            None
        }
        Err(_) => None,
    }
}

/// `GET /setup`.
pub(crate) async fn setup(State(site): State<Site>, S(sess): S) -> Response {
    let config = site.config();
    let sums = read_sums(config.release_sums.clone()).await;
    let downloads = download_rows(sums.as_deref(), config.release_url.as_ref());
    let has_release = downloads.iter().any(|r| !r.files.is_empty());
    let sums_url = config
        .release_url
        .as_ref()
        .filter(|_| has_release)
        .and_then(|b| b.join("SHA256SUMS").ok())
        .map(String::from);
    render(&SetupPage {
        l: site.layout(Some(&sess), "setup-title", "setup"),
        bridge_origin: bridge_origin(&site),
        downloads,
        has_release,
        sums_url,
    })
}

/// `GET /setup/check`.
pub(crate) async fn check(State(site): State<Site>, S(sess): S, headers: HeaderMap) -> Response {
    let ua = headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    render(&CheckPage {
        l: site.layout(Some(&sess), "check-title", "check"),
        env: ua::parse(ua),
        bridge_origin: bridge_origin(&site),
    })
}

/// `GET /news`.
pub(crate) async fn news(State(site): State<Site>, S(sess): S) -> Response {
    render(&NewsPage {
        l: site.layout(Some(&sess), "news-page-title", "news"),
        news: site.news().views(100),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUMS: &str = "\
0f343b0931126a20f133d67c2b018a3b5e0e6a1f5a3ba6b2e8e7c3d3d2c1b0a9  twnhi_0.1.0-1_amd64.deb
1F343B0931126A20F133D67C2B018A3B5E0E6A1F5A3BA6B2E8E7C3D3D2C1B0A9 *twnhi-bridge-0.1.0-x86_64.msi
2f343b0931126a20f133d67c2b018a3b5e0e6a1f5a3ba6b2e8e7c3d3d2c1b0a9  twnhi-bridge-0.1.0.pkg
3f343b0931126a20f133d67c2b018a3b5e0e6a1f5a3ba6b2e8e7c3d3d2c1b0a9  twnhi-0.1.0-1.x86_64.rpm
4f343b0931126a20f133d67c2b018a3b5e0e6a1f5a3ba6b2e8e7c3d3d2c1b0a9  twnhi-bridge-remove-0.1.0.pkg
5f343b0931126a20f133d67c2b018a3b5e0e6a1f5a3ba6b2e8e7c3d3d2c1b0a9  SHA256SUMS.asc
6f343b0931126a20f133d67c2b018a3b5e0e6a1f5a3ba6b2e8e7c3d3d2c1b0a9  ../evil.deb
7f343b0931126a20f133d67c2b018a3b5e0e6a1f5a3ba6b2e8e7c3d3d2c1b0a9  \"><script>.msi
not a line
";

    #[test]
    fn sums_are_sorted_into_os_rows_with_links() {
        let base = url::Url::parse("https://dl.example.org/v0.1.0/").unwrap();
        let rows = download_rows(Some(SUMS), Some(&base));
        let os: Vec<_> = rows.iter().map(|r| r.os).collect();
        assert_eq!(os, ["windows", "mac", "debian", "fedora"]);
        let names = |i: usize| {
            rows[i]
                .files
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(0), ["twnhi-bridge-0.1.0-x86_64.msi"]);
        assert_eq!(
            names(1),
            ["twnhi-bridge-0.1.0.pkg", "twnhi-bridge-remove-0.1.0.pkg"]
        );
        assert_eq!(names(2), ["twnhi_0.1.0-1_amd64.deb"]);
        assert_eq!(names(3), ["twnhi-0.1.0-1.x86_64.rpm"]);
        let msi = &rows[0].files[0];
        assert_eq!(
            msi.url.as_deref(),
            Some("https://dl.example.org/v0.1.0/twnhi-bridge-0.1.0-x86_64.msi")
        );
        assert!(msi.sha256.starts_with("1f343b09"), "lower-cased");
    }

    #[test]
    fn no_release_means_empty_rows_and_no_links_without_a_url() {
        assert!(download_rows(None, None).iter().all(|r| r.files.is_empty()));
        let rows = download_rows(Some(SUMS), None);
        assert!(rows.iter().flat_map(|r| &r.files).all(|f| f.url.is_none()));
        assert_eq!(rows.iter().map(|r| r.files.len()).sum::<usize>(), 5);
    }
}
