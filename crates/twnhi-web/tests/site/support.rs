//! What the modules of this test binary share: the router in process with its store, the
//! demo people and a memory mailer, and small readers of the answers.

#![allow(dead_code)]

pub(crate) use crate::common;
pub(crate) use std::sync::Arc;

pub(crate) use axum::Router;
pub(crate) use axum::body::Body;
pub(crate) use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, COOKIE, LOCATION, ORIGIN,
    REFERRER_POLICY, RETRY_AFTER, SET_COOKIE, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
pub(crate) use axum::http::{HeaderMap, Method, Request, StatusCode};
pub(crate) use http_body_util::BodyExt as _;
pub(crate) use tower::ServiceExt as _;
pub(crate) use twnhi_account::Msg;
pub(crate) use twnhi_account::secret::ServerKey;
pub(crate) use twnhi_card::NhiSession;
pub(crate) use twnhi_demo::people::DemoPerson;
pub(crate) use twnhi_notify::{MemoryMailer, PublicBaseUrl};
pub(crate) use twnhi_service::{OutboxWorker, Service};
pub(crate) use twnhi_sim::{Faults, SimCard};
pub(crate) use twnhi_store_sqlite::SqliteStore;
pub(crate) use twnhi_web::{RateLimits, Site, SiteDeps, WebConfig};

pub(crate) const BASE: &str = "https://twnhi.test/";
pub(crate) const PASSWORD: &str = "Demo#2024ab";

pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
}

impl Reply {
    pub(crate) fn has(&self, text: &str) -> bool {
        self.body.contains(text)
    }

    pub(crate) fn has_msg(&self, m: Msg) -> bool {
        self.has(&html_escape(m.zh())) && self.has(&html_escape(m.en()))
    }
}

pub(crate) fn html_escape(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

pub(crate) struct App {
    pub(crate) router: Router,
    pub(crate) people: Vec<DemoPerson>,
    pub(crate) service: Service,
    pub(crate) store: SqliteStore,
    pub(crate) mailer: MemoryMailer,
    pub(crate) cookie: Option<String>,
    pub(crate) csrf: String,
    pub(crate) server_key: twnhi_account::secret::ServerKey,
    pub(crate) _dir: tempfile::TempDir,
}

pub(crate) async fn app_with(limits: RateLimits) -> App {
    let b = common::backend(BASE, 4, |_| {}).await;
    let mut web = WebConfig::new(PublicBaseUrl::parse(BASE).unwrap());
    web.rate_limits = limits;
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

pub(crate) async fn app() -> App {
    app_with(RateLimits::unlimited()).await
}

pub(crate) fn csrf_of(body: &str) -> Option<String> {
    let i = body.find("name=\"csrf-token\" content=\"")?;
    let rest = &body[i + 27..];
    Some(rest[..rest.find('"')?].to_owned())
}

pub(crate) fn form_value(body: &str, id: &str) -> Option<String> {
    let i = body.find(&format!("id=\"{id}\""))?;
    let tag_end = body[i..].find('>')? + i;
    let tag = &body[i..tag_end];
    let v = tag.find("value=\"")?;
    let rest = &tag[v + 7..];
    Some(rest[..rest.find('"')?].to_owned())
}

impl App {
    pub(crate) async fn send(&mut self, mut req: Request<Body>) -> Reply {
        if let Some(c) = &self.cookie {
            // Beside a cookie the request carries already (a flash, see `follow`).
            let value = match req.headers().get(COOKIE) {
                Some(other) => format!("__Host-twnhi={c}; {}", other.to_str().unwrap()),
                None => format!("__Host-twnhi={c}"),
            };
            req.headers_mut().insert(COOKIE, value.parse().unwrap());
        }
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        for v in headers.get_all(SET_COOKIE) {
            let v = v.to_str().unwrap();
            if let Some(rest) = v.strip_prefix("__Host-twnhi=") {
                let value = rest.split(';').next().unwrap_or_default();
                self.cookie = (!value.is_empty()).then(|| value.to_owned());
            }
        }
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(t) = csrf_of(&body)
            && !t.is_empty()
        {
            self.csrf = t;
        }
        Reply {
            status,
            headers,
            body,
        }
    }

    pub(crate) async fn get(&mut self, path: &str) -> Reply {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    pub(crate) async fn post_form_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields.iter().copied())
            .finish();
        let req = Request::post(path)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ORIGIN, "https://twnhi.test")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// A form as a browser sends it: the `303` of Post/Redirect/Get that carries a flash
    /// message is followed (see [`App::follow`]); other answers are returned as they are.
    pub(crate) async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let r = self.post_form_once(path, fields).await;
        self.follow(r).await
    }

    /// A form, its answer returned as it is (a `303` not followed).
    pub(crate) async fn post_form_once(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let csrf = self.csrf.clone();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_form_raw(path, &all).await
    }

    /// The flash cookie an answer sets (`name=value`), if any.
    pub(crate) fn flash_of(r: &Reply) -> Option<String> {
        r.headers.get_all(SET_COOKIE).iter().find_map(|v| {
            let v = v.to_str().unwrap();
            let pair = v.split(';').next().unwrap();
            (pair.starts_with("__Host-twnhi-flash=") && !v.contains("Max-Age=0"))
                .then(|| pair.to_owned())
        })
    }

    /// A `303` that sets a flash cookie, followed as a browser does (the `GET` of its
    /// `Location` with the flash); any other answer as it is.
    pub(crate) async fn follow(&mut self, r: Reply) -> Reply {
        let (StatusCode::SEE_OTHER, Some(flash)) = (r.status, Self::flash_of(&r)) else {
            return r;
        };
        let to = r.headers[LOCATION].to_str().unwrap().to_owned();
        self.get_with_cookie(&to, &flash).await
    }

    /// `GET path` with a further cookie `name=value`.
    pub(crate) async fn get_with_cookie(&mut self, path: &str, cookie: &str) -> Reply {
        let req = Request::get(path)
            .header(COOKIE, cookie)
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    pub(crate) async fn post_json(&mut self, path: &str, json: serde_json::Value) -> Reply {
        let req = Request::post(path)
            .header(CONTENT_TYPE, "application/json")
            .header("x-csrf-token", self.csrf.clone())
            .body(Body::from(json.to_string()))
            .unwrap();
        self.send(req).await
    }

    pub(crate) async fn api(
        &mut self,
        method: Method,
        path: &str,
        json: Option<serde_json::Value>,
        token: Option<&str>,
    ) -> (StatusCode, serde_json::Value) {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        let req = match json {
            Some(j) => b
                .header(CONTENT_TYPE, "application/json")
                .body(Body::from(j.to_string()))
                .unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
        )
    }

    /// SPEC §3 with the simulated card of person `i`, as the page script does it.
    pub(crate) async fn read_card(&mut self, i: usize) -> Reply {
        let identity = self.people[i].identity.clone();
        let mut session = NhiSession::new(SimCard::new(identity, Faults::default()));
        let n = self.post_json("/card/nonce", serde_json::json!({})).await;
        assert_eq!(n.status, StatusCode::OK, "{}", n.body);
        let nonce = serde_json::from_str::<serde_json::Value>(&n.body).unwrap()["nonce"]
            .as_str()
            .unwrap()
            .to_owned();
        let c = session.challenge().unwrap();
        let a = self
            .post_json(
                "/card/answer",
                serde_json::json!({"nonce": nonce, "card_no": c.card_no.to_string(), "rc": hex::encode_upper(c.rc)}),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        let au_hex = serde_json::from_str::<serde_json::Value>(&a.body).unwrap()["au"]
            .as_str()
            .unwrap()
            .to_owned();
        let au: [u8; 32] = hex::decode(au_hex).unwrap().try_into().unwrap();
        let cr = session.authenticate(&au).unwrap();
        self.post_json(
            "/card/verify",
            serde_json::json!({"nonce": nonce, "cr": hex::encode_upper(cr)}),
        )
        .await
    }

    pub(crate) async fn deliver(&self) {
        let store = Arc::new(self.store.clone());
        OutboxWorker::new(&self.service, store, Arc::new(self.mailer.clone()))
            .drain()
            .await
            .unwrap();
    }

    pub(crate) fn last_link(&self, to: &str, path: &str) -> String {
        let mail = self.mailer.last_to(to).expect("a letter");
        mail.letter()
            .links()
            .iter()
            .find(|u| u.path() == path)
            .map(|u| format!("{}?{}", u.path(), u.query().unwrap_or_default()))
            .expect("the link")
    }

    pub(crate) fn household_fields(&self, i: usize) -> Vec<(String, String)> {
        let p = &self.people[i].person;
        let t = p.address.township();
        vec![
            ("terms".into(), "accepted".into()),
            ("household_id".into(), p.household_id.as_str().into()),
            ("county".into(), t.county_zh().into()),
            ("township".into(), t.zh().into()),
            ("village".into(), p.address.village().into()),
            ("neighborhood".into(), p.address.neighborhood().to_string()),
        ]
    }

    /// Applies, verifies the e-mail address and logs in as person `i`.
    pub(crate) async fn register_and_login(&mut self, i: usize, email: &str) {
        self.get("/apply").await;
        assert_eq!(self.read_card(i).await.status, StatusCode::OK);
        let mut fields = self.household_fields(i);
        fields.extend([
            ("password".into(), PASSWORD.into()),
            ("confirmation".into(), PASSWORD.into()),
            ("mobile_area".into(), "0912".into()),
            ("mobile_number".into(), "345678".into()),
            ("email".into(), email.into()),
        ]);
        let f: Vec<(&str, &str)> = fields
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let r = self.post_form("/apply/details", &f).await;
        assert!(r.has_msg(Msg::ApplySuccess), "{}", r.body);
        self.deliver().await;
        let link = self.last_link(email, "/verify-email");
        let token = link.split("token=").nth(1).unwrap().to_owned();
        self.get(&link).await;
        self.read_card(i).await;
        let r = self.post_form("/verify-email", &[("token", &token)]).await;
        assert!(r.has_msg(Msg::EmailVerified), "{}", r.body);
        self.get("/login").await;
        self.read_card(i).await;
        let r = self.post_form("/login", &[("password", PASSWORD)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
}
