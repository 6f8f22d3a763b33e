//! The setup page's download table: the release's files per OS with their SHA-256, read from
//! the configured `SHA256SUMS` when the page is shown, and a truthful text without a release.

use crate::support::*;

const DEB_SUM: &str = "9a1cc2f0bd6e1b6fa8a9b8f3f0e47c7f4d0d1fb1c62c2f8d6c1a0b9e8d7c6b5a";
const MSI_SUM: &str = "0b1cc2f0bd6e1b6fa8a9b8f3f0e47c7f4d0d1fb1c62c2f8d6c1a0b9e8d7c6b5a";

async fn site(sums: Option<std::path::PathBuf>, release_url: Option<&str>) -> App {
    let b = common::backend(BASE, 1, |_| {}).await;
    let mut web = WebConfig::new(PublicBaseUrl::parse(BASE).unwrap());
    web.rate_limits = RateLimits::unlimited();
    web.release_sums = sums;
    web.release_url = release_url.map(|u| url::Url::parse(u).unwrap());
    let site = Site::new(web, SiteDeps::new(b.service.clone()), &b.server_key, None).unwrap();
    App {
        router: site.router(),
        people: b.people,
        service: b.service,
        store: b.store,
        mailer: MemoryMailer::new(),
        cookie: None,
        csrf: String::new(),
        server_key: b.server_key,
        _dir: b.dir,
    }
}

#[tokio::test]
async fn the_release_files_are_listed_per_os_with_their_sums() {
    let dir = tempfile::tempdir().unwrap();
    let sums = dir.path().join("SHA256SUMS");
    std::fs::write(
        &sums,
        format!("{DEB_SUM}  twnhi_0.1.0-1_amd64.deb\n{MSI_SUM}  twnhi-bridge-0.1.0-x86_64.msi\n"),
    )
    .unwrap();
    let mut app = site(Some(sums.clone()), Some("https://dl.example.org/v0.1.0/")).await;
    let r = app.get("/setup").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.has("<a href=\"https://dl.example.org/v0.1.0/twnhi_0.1.0-1_amd64.deb\">twnhi_0.1.0-1_amd64.deb</a>"),
        "{}",
        r.body
    );
    assert!(r.has(&format!("<code class=\"sha256\">{DEB_SUM}</code>")));
    assert!(r.has(&format!("<code class=\"sha256\">{MSI_SUM}</code>")));
    // Each file in its OS's row.
    let windows = r.body.find("id=\"download-windows\"").unwrap();
    let mac = r.body.find("id=\"download-mac\"").unwrap();
    let debian = r.body.find("id=\"download-debian\"").unwrap();
    let msi = r.body.find("twnhi-bridge-0.1.0-x86_64.msi").unwrap();
    let deb = r.body.find(">twnhi_0.1.0-1_amd64.deb<").unwrap();
    assert!(windows < msi && msi < mac, "the .msi is in the Windows row");
    assert!(debian < deb, "the .deb is in the Debian row");
    assert!(r.has("href=\"https://dl.example.org/v0.1.0/SHA256SUMS\""));
    assert!(!r.has("id=\"no-release\""));

    // A new release: the page shows it without a restart.
    std::fs::write(&sums, format!("{MSI_SUM}  twnhi-bridge-0.2.0-x86_64.msi\n")).unwrap();
    let r = app.get("/setup").await;
    assert!(r.has("twnhi-bridge-0.2.0-x86_64.msi"));
    assert!(!r.has("twnhi_0.1.0-1_amd64.deb"));
}

#[tokio::test]
async fn without_a_release_the_page_says_so() {
    let none = twnhi_account::messages::text(twnhi_account::messages::Lang::ZhTw, "setup-dl-none");
    for sums in [
        None,
        Some(std::path::PathBuf::from("/nonexistent/SHA256SUMS")),
    ] {
        let mut app = site(sums, Some("https://dl.example.org/v0.1.0/")).await;
        let r = app.get("/setup").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.has("id=\"no-release\""), "{}", r.body);
        assert!(r.has(&none));
        assert!(!r.has("class=\"sha256\""));
        assert!(!r.has("SHA256SUMS</a>"));
        // The install steps are there all the same.
        assert!(r.has("id=\"download-debian\"") && r.has("apt install"));
    }
}
