//! The app's JSON API and the card endpoints: answers and errors.

use crate::support::*;

#[tokio::test]
async fn app_api_binds_logs_in_and_lists_devices() {
    let mut app = app().await;
    app.register_and_login(2, "test.four@example.com").await;
    app.get("/device/verify").await;
    let r = app.post_form("/device/verify", &[]).await;
    assert!(r.has("裝置認證碼有效時間至 民國"), "{}", r.body);
    assert!(r.has("<svg"));
    let i = r.body.find("data-code-text>").unwrap() + "data-code-text>".len();
    let code = r.body[i..i + 8].to_owned();
    assert!(code.chars().all(|c| c.is_ascii_alphanumeric()));
    let id = app.people[2].person.id_number.as_str().to_owned();

    let (s, j) = app
        .api(Method::POST, "/api/v1/devices/bind", Some(serde_json::json!({"id_number": id, "code": "zzzzzzzz", "platform": "Android", "model": "Pixel 8", "device_id": "dev-1"})), None)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{j}");
    assert!(
        j["error"]["message_zh"]
            .as_str()
            .unwrap()
            .contains("驗證碼錯誤"),
        "{j}"
    );
    assert!(
        j["error"]["message_en"]
            .as_str()
            .unwrap()
            .contains("attempts left"),
        "{j}"
    );
    let (s, j) = app
        .api(
            Method::POST,
            "/api/v1/devices/bind",
            Some(serde_json::json!({"nope": 1})),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(j["error"]["code"], "BadRequest");

    let (s, bound) = app
        .api(Method::POST, "/api/v1/devices/bind", Some(serde_json::json!({"id_number": id, "code": code, "platform": "Android", "model": "Pixel 8", "device_id": "dev-1"})), None)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{bound}");
    let params: twnhi_web::api::TotpParams = serde_json::from_value(bound["totp"].clone()).unwrap();
    let totp = twnhi_web::client::totp_now(&params).unwrap();
    let (s, j) = app
        .api(Method::POST, "/api/v1/login", Some(serde_json::json!({"id_number": id, "password": "Wrong#2024x", "device_id": "dev-1", "totp": totp})), None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{j}");
    assert_eq!(j["error"]["code"], "LoginFailed");
    let (s, login) = app
        .api(Method::POST, "/api/v1/login", Some(serde_json::json!({"id_number": id, "password": PASSWORD, "device_id": "dev-1", "totp": totp})), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{login}");
    assert_eq!(login["token_type"], "Bearer");
    let expires_in = login["expires_in"].as_i64().unwrap();
    assert!(expires_in > 0 && expires_in <= 30 * 24 * 3600);
    let token = login["access_token"].as_str().unwrap().to_owned();
    let (s, list) = app
        .api(Method::GET, "/api/v1/devices", None, Some(&token))
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(list["devices"][0]["platform"], "Android");
    assert_eq!(list["devices"][0]["state"], "active");
    assert_eq!(list["devices"][0]["this_device"], true);
    assert!(
        list["devices"][0]["device_id_masked"]
            .as_str()
            .unwrap()
            .ends_with("ev-1")
    );
    let (s, _) = app.api(Method::GET, "/api/v1/devices", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = app
        .api(Method::GET, "/api/v1/devices", None, Some("x"))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // The device table lists it; disabling it ends the app's access.
    let r = app.get("/devices").await;
    assert!(r.has("Pixel 8") && r.has("啟用中"), "{}", r.body);
    let i = r.body.find("action=\"/devices/").unwrap() + "action=\"".len();
    let action = r.body[i..i + r.body[i..].find('"').unwrap()].to_owned();
    assert!(action.ends_with("/disable"));
    let r = app.post_form(&action, &[]).await;
    assert!(r.has_msg(Msg::DeviceUpdated), "{}", r.body);
    assert!(r.has("data-state=\"disabled\""));
    let (s, j) = app
        .api(Method::GET, "/api/v1/devices", None, Some(&token))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{j}");
}

#[tokio::test]
async fn app_api_logout_revokes_the_token() {
    let mut app = app().await;
    app.register_and_login(3, "test.nine@example.com").await;
    app.get("/device/verify").await;
    let r = app.post_form("/device/verify", &[]).await;
    let i = r.body.find("data-code-text>").unwrap() + "data-code-text>".len();
    let code = r.body[i..i + 8].to_owned();
    let id = app.people[3].person.id_number.as_str().to_owned();
    let (s, bound) = app
        .api(Method::POST, "/api/v1/devices/bind", Some(serde_json::json!({"id_number": id, "code": code, "platform": "iOS", "model": "iPhone 15", "device_id": "dev-9"})), None)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{bound}");
    let params: twnhi_web::api::TotpParams = serde_json::from_value(bound["totp"].clone()).unwrap();
    let totp = twnhi_web::client::totp_now(&params).unwrap();
    let (s, login) = app
        .api(Method::POST, "/api/v1/login", Some(serde_json::json!({"id_number": id, "password": PASSWORD, "device_id": "dev-9", "totp": totp})), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{login}");
    let token = login["access_token"].as_str().unwrap().to_owned();
    let (s, _) = app
        .api(Method::GET, "/api/v1/devices", None, Some(&token))
        .await;
    assert_eq!(s, StatusCode::OK);

    // No token, a malformed one, an unknown one: 401 with `WWW-Authenticate: Bearer`.
    for t in [None, Some("x"), Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] {
        let mut b = Request::post("/api/v1/logout");
        if let Some(t) = t {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        let resp = app
            .router
            .clone()
            .oneshot(b.body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{t:?}");
        assert_eq!(resp.headers()["www-authenticate"], "Bearer");
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let j: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(j["error"]["code"], "SessionExpired", "{j}");
    }
    // The site's session cookie is not an app token either, and is not ended by this.
    let cookie = app.cookie.clone().unwrap();
    let (s, _) = app
        .api(Method::POST, "/api/v1/logout", None, Some(&cookie))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/services").await.status, StatusCode::OK);

    // Logout: 200 with the bilingual message; the token is dead at once, and once.
    let (s, j) = app
        .api(Method::POST, "/api/v1/logout", None, Some(&token))
        .await;
    assert_eq!(s, StatusCode::OK, "{j}");
    assert_eq!(j["message"]["zh"], Msg::LoggedOut.zh());
    assert_eq!(j["message"]["en"], Msg::LoggedOut.en());
    let (s, j) = app
        .api(Method::GET, "/api/v1/devices", None, Some(&token))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{j}");
    assert_eq!(j["error"]["code"], "SessionExpired");
    let (s, _) = app
        .api(Method::POST, "/api/v1/logout", None, Some(&token))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // Only POST.
    let (s, _) = app
        .api(Method::GET, "/api/v1/logout", None, Some(&token))
        .await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    // The device itself stays bound and active: the site's table still lists it.
    let r = app.get("/devices").await;
    assert!(r.has("iPhone 15") && r.has("啟用中"), "{}", r.body);
}

#[tokio::test]
async fn card_endpoints_answer_bilingual_json_errors() {
    let mut app = app().await;
    app.get("/login").await;
    let r = app
        .post_json(
            "/card/answer",
            serde_json::json!({"nonce": "x", "card_no": "000011112222", "rc": "0011"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["error"]["code"], "CardAuthExpired");
    assert_eq!(j["error"]["message_zh"], Msg::CardAuthExpired.zh());
    assert_eq!(j["error"]["message_en"], Msg::CardAuthExpired.en());
    let r = app
        .post_json("/card/verify", serde_json::json!({"nope": true}))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app.read_card(3).await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["name"], app.people[3].person.name.as_str());
    assert!(j["card_no_masked"].as_str().unwrap().contains('*'));
}
