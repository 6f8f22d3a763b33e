//! Shared harness of the browser tests: chromedriver and a headless Chromium started by the
//! test, the demo running in this process, and page helpers over fantoccini.

#![allow(dead_code)] // each test binary uses its own part of the helpers

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use twnhi_account::Msg;
use twnhi_account::password::HashPolicy;
use twnhi_demo::{Demo, DemoOptions};
use twnhi_web::RateLimits;

pub type R<T = ()> = Result<T, Box<dyn Error>>;

macro_rules! check {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!($($fmt)+).into())
        }
    };
}

// ----- processes -------------------------------------------------------------------------------

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(9515)
}

pub fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// chromedriver on a free port. Dropping it asks it to shut down (it then ends the browsers
/// it started) and kills it by the id of the process this test started if it lingers.
pub struct Chromedriver {
    child: Child,
    port: u16,
}

impl Chromedriver {
    pub fn start() -> R<Self> {
        let exe = std::env::var_os("CHROMEDRIVER")
            .map(PathBuf::from)
            .or_else(|| find_in_path("chromedriver"))
            .ok_or("chromedriver not found (Debian: apt-get install chromium-driver)")?;
        let port = free_port();
        let child = Command::new(exe)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let driver = Chromedriver { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            check!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(driver)
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        use std::io::{Read as _, Write as _};
        // chromedriver's own shutdown command: it quits the browsers it launched, then exits.
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", self.port)) {
            let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
            let _ = write!(
                s,
                "GET /shutdown HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
                self.port
            );
            let _ = s.read_to_end(&mut Vec::new());
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn browser(driver: &Chromedriver, profile: &Path) -> R<Client> {
    let binary = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| find_in_path("chromium"))
        .or_else(|| find_in_path("chromium-browser"))
        .ok_or("chromium not found (Debian: apt-get install chromium)")?;
    let caps = serde_json::json!({
        "browserName": "chrome",
        "unhandledPromptBehavior": "ignore",
        "goog:chromeOptions": {
            "binary": binary,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage", "--window-size=1280,1500", "--lang=zh-TW",
                format!("--user-data-dir={}", profile.display()),
            ]
        }
    });
    let serde_json::Value::Object(caps) = caps else {
        return Err("capabilities".into());
    };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await?;
    Ok(client)
}

// ----- page helpers ----------------------------------------------------------------------------

pub struct Ctx {
    pub c: Client,
    pub site: String,
    pub shots: Option<PathBuf>,
}

impl Ctx {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.site, path.trim_start_matches('/'))
    }

    pub async fn goto(&self, path: &str) -> R {
        self.c.goto(&self.url(path)).await?;
        self.ready().await
    }

    pub async fn ready(&self) -> R {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let state = self.c.execute("return document.readyState", vec![]).await?;
            if state == "complete" {
                return Ok(());
            }
            check!(Instant::now() < deadline, "page did not load");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn el(&self, css: &str) -> R<fantoccini::elements::Element> {
        Ok(self.c.find(Locator::Css(css)).await?)
    }

    pub async fn fill(&self, css: &str, value: &str) -> R {
        let e = self.el(css).await?;
        e.clear().await?;
        if !value.is_empty() {
            e.send_keys(value).await?;
        }
        Ok(())
    }

    pub async fn value(&self, css: &str) -> R<String> {
        Ok(self.el(css).await?.prop("value").await?.unwrap_or_default())
    }

    pub async fn text(&self, css: &str) -> R<String> {
        Ok(self.el(css).await?.text().await?)
    }

    pub async fn select(&self, css: &str, value: &str) -> R {
        self.el(css).await?.select_by_value(value).await?;
        Ok(())
    }

    /// Clicks and waits until the next page has loaded (the old document gone stale).
    pub async fn submit(&self, css: &str) -> R {
        let old = self.el("html").await?;
        self.el(css).await?.click().await?;
        let deadline = Instant::now() + Duration::from_secs(20);
        while old.tag_name().await.is_ok() {
            check!(
                Instant::now() < deadline,
                "no navigation after clicking {css}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.ready().await
    }

    pub async fn wait_text(&self, css: &str, needle: &str) -> R<String> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Ok(e) = self.c.find(Locator::Css(css)).await
                && let Ok(t) = e.text().await
                && t.contains(needle)
            {
                return Ok(t);
            }
            if Instant::now() >= deadline {
                let t = self.text(css).await.unwrap_or_default();
                return Err(format!("{css}: {needle:?} not in {t:?}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn wait_css(&self, css: &str) -> R {
        let deadline = Instant::now() + Duration::from_secs(15);
        while self.c.find(Locator::Css(css)).await.is_err() {
            check!(Instant::now() < deadline, "{css} never appeared");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    }

    /// The system message box (or the result box) shows `m` in both languages.
    pub async fn expect_msg(&self, css: &str, m: Msg) -> R {
        let t = self.wait_text(css, m.zh()).await?;
        check!(t.contains(m.en()), "{css}: no English of {m:?} in {t:?}");
        Ok(())
    }

    /// 【讀取】: the page script authenticates the card through the bridge; the name comes
    /// back from the registry.
    pub async fn read_card(&self, name: &str) -> R {
        self.el("[data-card-read]").await?.click().await?;
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if self.value("#name").await? == name {
                return Ok(());
            }
            if Instant::now() >= deadline {
                let msg = self.text("[data-system-message]").await.unwrap_or_default();
                return Err(format!("card read failed: {msg}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn shot(&self, name: &str) -> R {
        if let Some(dir) = &self.shots {
            std::fs::create_dir_all(dir)?;
            let png = self.c.screenshot().await?;
            std::fs::write(dir.join(format!("{name}.png")), png)?;
        }
        Ok(())
    }

    pub async fn address(&self, county: &str, township: &str, village: &str, n: &str) -> R {
        self.select("#county", county).await?;
        self.select("#township", township).await?;
        self.fill("#village", village).await?;
        self.fill("#neighborhood", n).await
    }

    /// Opens the newest letter of `kind` to `to` in the dev mailbox; its text and links.
    pub async fn letter(&self, kind: &str, to: &str) -> R<(String, Vec<String>)> {
        let row = format!("tr[data-kind=\"{kind}\"][data-to=\"{to}\"] a");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            self.goto("/dev/mailbox").await?;
            if self.c.find(Locator::Css(&row)).await.is_ok() {
                break;
            }
            check!(Instant::now() < deadline, "no {kind} letter to {to}");
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        self.submit(&row).await?;
        let text = self.text("#letter-text").await?;
        let mut links = Vec::new();
        for a in self.c.find_all(Locator::Css("a[data-letter-link]")).await? {
            if let Some(h) = a.attr("href").await? {
                links.push(h);
            }
        }
        Ok((text, links))
    }

    /// The captcha's answer, from the demo's test hook `/dev/captcha` (fetched by the page,
    /// with its cookie): nothing in the page itself says it.
    pub async fn captcha(&self) -> R<String> {
        let html = self.el("details.captcha-audio").await?.html(true).await?;
        check!(
            html.contains("/cancel/captcha.wav"),
            "the audio alternative is offered"
        );
        let v = self
            .c
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 fetch('/dev/captcha').then(r => r.text()).then(done, () => done(''));",
                vec![],
            )
            .await?;
        let digits = v.as_str().unwrap_or_default().to_owned();
        check!(
            digits.len() == 5 && digits.bytes().all(|b| b.is_ascii_digit()),
            "captcha answer {digits:?}"
        );
        Ok(digits)
    }

    pub async fn login(&self, password: &str) -> R {
        self.goto("/login").await?;
        self.wait_css("[data-supported=\"yes\"]").await?;
        self.fill("#password", password).await?;
        self.submit("#login-submit").await
    }
}

// ----- the harness -----------------------------------------------------------------------------

/// The demo in this process, chromedriver and one Chromium session on it.
pub struct Harness {
    pub demo: Demo,
    pub ctx: Ctx,
    driver: Chromedriver,
    _dir: tempfile::TempDir,
    _profile: tempfile::TempDir,
}

impl Harness {
    /// Starts the demo with `people` synthetic insured persons and a browser on it.
    pub async fn start(people: usize) -> R<Self> {
        Harness::start_on(people, None).await
    }

    /// Like [`Harness::start`], with the demo's data in the PostgreSQL database `database_url`
    /// instead of its SQLite file.
    pub async fn start_on(people: usize, database_url: Option<String>) -> R<Self> {
        let dir = tempfile::tempdir()?;
        let profile = tempfile::tempdir()?;
        let mut options = DemoOptions::new(dir.path().join("demo"));
        options.listen = "127.0.0.1:0".parse()?;
        options.bridge_listen = "127.0.0.1:0".parse()?;
        options.people = people;
        options.rate_limits = RateLimits::unlimited();
        options.hash_policy = HashPolicy::new(1024, 1, 1)?;
        options.database_url = database_url;
        let demo = Demo::start(options).await?;
        let driver = Chromedriver::start()?;
        let client = browser(&driver, profile.path()).await?;
        let ctx = Ctx {
            c: client,
            site: demo.site_url().to_owned(),
            shots: std::env::var_os("TWNHI_SCREENSHOT_DIR").map(PathBuf::from),
        };
        Ok(Harness {
            demo,
            ctx,
            driver,
            _dir: dir,
            _profile: profile,
        })
    }

    /// Ends the browser, chromedriver and the demo; on failure keeps the page's source and a
    /// screenshot in the temporary directory as `{name}-failure.html` / `.png`, then panics.
    #[allow(clippy::print_stderr)] // the page at failure, for the one reading the test log
    pub async fn finish(self, name: &str, result: R) {
        let Harness {
            demo, ctx, driver, ..
        } = self;
        if result.is_err() {
            let _ = std::fs::write(
                std::env::temp_dir().join(format!("{name}-failure.html")),
                ctx.c.source().await.unwrap_or_default(),
            );
            if let Ok(png) = ctx.c.screenshot().await {
                let _ = std::fs::write(
                    std::env::temp_dir().join(format!("{name}-failure.png")),
                    png,
                );
            }
            eprintln!(
                "page at failure: {}",
                ctx.c
                    .current_url()
                    .await
                    .map(|u| u.to_string())
                    .unwrap_or_default()
            );
        }
        let _ = ctx.c.close().await;
        drop(driver);
        let down = demo.shutdown().await;
        if let Err(e) = result {
            panic!("{e}");
        }
        if let Err(e) = down {
            panic!("demo shutdown: {e}");
        }
    }
}
