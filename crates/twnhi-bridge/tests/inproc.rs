//! The bridge with simulated readers in process (no PC/SC service): protocol details, bad and
//! oversized frames, origin and host checks, preflights, limits, TLS, shutdown.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use futures_util::SinkExt;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use twnhi_bridge::{Origin, SimBackend};
use twnhi_sim::{Faults, Identity, SimCard, SimReader};

const READER: &str = SimBackend::DEMO_READER;

async fn demo() -> (twnhi_bridge::BridgeHandle, SimReader) {
    let (backend, reader) = SimBackend::demo();
    (start(Arc::new(backend), |_| {}).await, reader)
}

fn expected_basic() -> String {
    "GetBasic:000011112222,A123456789,測試一,0790101,M,0".to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_protocol_frame_for_frame() {
    let (bridge, reader) = demo().await;
    let addr = bridge.local_addr();
    let mut w = ws(addr, "/echo").await;
    assert_eq!(legacy(&mut w, "GetVersion").await, "GetVersion:0001");
    assert_eq!(legacy(&mut w, "GetBasic").await, expected_basic());
    let r1 = legacy(&mut w, "GetRandom").await;
    let r2 = legacy(&mut w, "GetRandom").await;
    for r in [&r1, &r2] {
        let digits = r.strip_prefix("GetRandom:").unwrap();
        assert_eq!(digits.len(), 16, "{r}");
        assert!(digits.bytes().all(|b| b.is_ascii_digit()), "{r}");
    }
    assert_ne!(r1, r2);
    assert_eq!(legacy(&mut w, "Hello").await, "9999");
    assert_eq!(legacy(&mut w, "").await, "9999");
    assert_eq!(legacy(&mut w, "getversion").await, "9999");
    assert_eq!(legacy(&mut w, "GetVersion\r\n").await, "GetVersion:0001");
    for cmd in [
        "H_Sign",
        "H_Sign:0123",
        "EnCrypt",
        "SecureGetBasicWithParam",
    ] {
        assert_eq!(legacy(&mut w, cmd).await, "8201", "{cmd}");
    }
    // A binary frame is no command of the legacy protocol.
    w.send(Message::Binary(vec![1, 2, 3].into())).await.unwrap();
    assert_eq!(next_text(&mut w).await.unwrap(), "9999");
    // Pipelined frames are answered in order.
    for f in ["GetVersion", "GetBasic", "Nope"] {
        w.send(Message::Text(f.into())).await.unwrap();
    }
    assert_eq!(next_text(&mut w).await.unwrap(), "GetVersion:0001");
    assert_eq!(next_text(&mut w).await.unwrap(), expected_basic());
    assert_eq!(next_text(&mut w).await.unwrap(), "9999");
    // Failures are the bare code.
    reader.remove();
    assert_eq!(legacy(&mut w, "GetBasic").await, "7004");
    reader.insert(SimCard::new(
        Identity::sample(),
        Faults::parse("other-card").unwrap(),
    ));
    assert_eq!(legacy(&mut w, "GetBasic").await, "8013");
    bridge.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_protocol_requests() {
    let (bridge, _reader) = demo().await;
    let addr = bridge.local_addr();
    let mut w = json_ws(addr).await;
    let id = Identity::sample();

    let r = call(&mut w, json!({"id": 1, "type": "status"})).await;
    assert_eq!(r["id"], 1);
    assert_eq!(r["type"], "status");
    assert_eq!(r["result"]["backend"], "sim");
    assert_eq!(r["result"]["card_service"], true);
    assert_eq!(r["result"]["readers"], 1);
    assert_eq!(r["result"]["cards"], 1);

    let r = call(&mut w, json!({"id": "r", "type": "readers"})).await;
    assert_eq!(r["id"], "r");
    assert_eq!(r["result"]["readers"][0]["name"], READER);
    assert_eq!(r["result"]["readers"][0]["card_present"], true);
    assert_eq!(r["result"]["readers"][0]["card_kind"], "nhi");

    let r = call(&mut w, json!({"id": 2, "type": "read"})).await;
    assert_eq!(r["type"], "read");
    let card = &r["result"];
    assert_eq!(card["reader"], READER);
    assert_eq!(card["card_no"], id.card_no);
    assert_eq!(card["id_no"], id.id_no);
    assert_eq!(card["name"], id.name);
    assert_eq!(card["name_lossy"], false);
    assert_eq!(card["birth_date"], "1990-01-01");
    assert_eq!(card["birth_date_roc"], "0790101");
    assert_eq!(card["sex"], "M");
    assert_eq!(card["issue_date"], "2020-10-27");
    assert_eq!(card["card_data_flag"], "0");

    let r = call(
        &mut w,
        json!({"id": 3, "type": "challenge", "reader": READER}),
    )
    .await;
    assert_eq!(r["result"]["card_no"], id.card_no);
    let rc_hex = r["result"]["rc"].as_str().unwrap();
    assert_eq!(rc_hex.len(), 16);
    assert_eq!(rc_hex, rc_hex.to_ascii_uppercase());
    let rc: [u8; 8] = hex::decode(rc_hex).unwrap().try_into().unwrap();
    let rs = [0x5A; 16];
    let au = id.key().build_au(&rc, &rs);
    let r = call(
        &mut w,
        json!({"id": 4, "type": "authenticate", "au": hex::encode(au)}),
    )
    .await;
    assert_eq!(r["id"], 4);
    let cr: [u8; 16] = hex::decode(r["result"]["cr"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    assert!(id.key().verify_cr(&rs, &rc, &id.card_no, &cr));

    // The challenge was used: the same au is refused by the card (8006).
    let r = call(
        &mut w,
        json!({"id": 5, "type": "authenticate", "au": hex::encode(au)}),
    )
    .await;
    assert_eq!(r["error"]["code"], 8006);
    assert!(r["error"]["message_zh"].as_str().unwrap().contains("認證"));
    assert!(
        r["error"]["message_en"]
            .as_str()
            .unwrap()
            .contains("authentication")
    );
    bridge.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_protocol_errors() {
    let (bridge, reader) = demo().await;
    let addr = bridge.local_addr();
    let mut w = json_ws(addr).await;
    let bad = |r: &serde_json::Value| r["error"]["code"] == 9999;

    let r = call(&mut w, json!({"id": 1, "type": "authenticate", "au": "00"})).await;
    assert!(
        bad(&r) && r["id"] == 1 && r["type"] == "authenticate",
        "{r}"
    );
    let r = call(&mut w, json!({"id": 2, "type": "authenticate"})).await;
    assert!(bad(&r) && r["id"] == 2, "{r}");
    let r = call(&mut w, json!({"id": 3, "type": "fly"})).await;
    assert!(bad(&r) && r["id"] == 3 && r["type"] == "error", "{r}");
    let r = call(&mut w, json!({"type": "read"})).await;
    assert!(bad(&r) && r["id"].is_null(), "{r}");
    let r = call(&mut w, json!([1, 2])).await;
    assert!(bad(&r), "{r}");
    w.send(Message::Text("{not json".into())).await.unwrap();
    let r: serde_json::Value = serde_json::from_str(&next_text(&mut w).await.unwrap()).unwrap();
    assert!(bad(&r) && r["id"].is_null(), "{r}");
    w.send(Message::Binary(b"{}".to_vec().into()))
        .await
        .unwrap();
    let r: serde_json::Value = serde_json::from_str(&next_text(&mut w).await.unwrap()).unwrap();
    assert!(bad(&r), "{r}");

    let r = call(
        &mut w,
        json!({"id": 4, "type": "read", "reader": "No Such Reader"}),
    )
    .await;
    assert_eq!(r["error"]["code"], 7003, "{r}");
    reader.remove();
    let r = call(&mut w, json!({"id": 5, "type": "read"})).await;
    assert_eq!(r["error"]["code"], 7004, "{r}");
    assert_eq!(r["error"]["message_zh"], "未插入健保卡");
    assert_eq!(r["error"]["message_en"], "no card inserted");
    let r = call(&mut w, json!({"id": 6, "type": "challenge"})).await;
    assert_eq!(r["error"]["code"], 7004, "{r}");
    // The connection is still usable after errors.
    let r = call(&mut w, json!({"id": 7, "type": "status"})).await;
    assert_eq!(r["result"]["cards"], 0);
    bridge.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_endpoints() {
    let (bridge, reader) = demo().await;
    let addr = bridge.local_addr();
    let r = http(addr, "GET", "/v1/status", &[]).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_eq!(r.json()["service"], "twnhi-bridge");
    let r = http(addr, "GET", "/v1/readers", &[]).await;
    assert_eq!(r.json()["readers"][0]["name"], READER);
    let path = format!("/v1/readers/{}/card", encode(READER));
    let r = http(addr, "GET", &path, &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["card_no"], "000011112222");
    assert_eq!(r.json()["reader"], READER);
    let r = http(addr, "GET", "/v1/readers/Nope/card", &[]).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["code"], 7003);
    reader.remove();
    let r = http(addr, "GET", &path, &[]).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["code"], 7004);
    let r = http(addr, "GET", "/v1/nothing", &[]).await;
    assert_eq!(r.status, 404);
    let r = http(addr, "POST", "/v1/status", &[("Content-Length", "0")]).await;
    assert_eq!(r.status, 405);
    bridge.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_on_removal_and_insertion() {
    let (bridge, reader) = demo().await;
    let addr = bridge.local_addr();
    let mut w = json_ws(addr).await;
    // Let the watch (50 ms polls of the simulated slot) see the initial state first.
    tokio::time::sleep(Duration::from_millis(500)).await;
    reader.remove();
    let e = expect_event(&mut w, "card-removed").await;
    assert_eq!(e["reader"], READER);
    reader.insert(SimCard::new(Identity::sample(), Faults::default()));
    let e = expect_event(&mut w, "card-inserted").await;
    assert_eq!(e["reader"], READER);
    assert_eq!(e["card_kind"], "nhi");
    assert!(!e["atr"].as_str().unwrap().is_empty());
    // Requests still work in between events.
    let r = call(&mut w, json!({"id": 1, "type": "read"})).await;
    assert_eq!(r["result"]["card_no"], "000011112222");
    bridge.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_origins_get_no_data() {
    let (backend, _reader) = SimBackend::demo();
    let bridge = start(Arc::new(backend), |c| {
        c.origins
            .allowed
            .push(Origin::parse("https://site.example").unwrap());
    })
    .await;
    let addr = bridge.local_addr();

    // WebSocket handshakes from other origins are refused before any frame.
    for path in ["/echo", "/v1/ws"] {
        for origin in [
            "https://evil.example",
            "null",
            "http://localhost.evil.example",
        ] {
            let e = ws_connect(addr, path, Some(origin)).await.unwrap_err();
            match e {
                tokio_tungstenite::tungstenite::Error::Http(resp) => {
                    assert_eq!(resp.status(), 403);
                    assert!(resp.headers().get("access-control-allow-origin").is_none());
                }
                other => panic!("{path} {origin}: {other:?}"),
            }
        }
    }
    // Allowed: the site, loopback pages, and clients without an Origin (not a browser).
    for origin in [
        Some("https://site.example"),
        Some("http://localhost:3000"),
        Some("http://127.0.0.1:8080"),
        None,
    ] {
        let mut w = ws_connect(addr, "/echo", origin).await.unwrap();
        assert_eq!(legacy(&mut w, "GetVersion").await, "GetVersion:0001");
    }

    // HTTP: refused origins get 403 and no CORS headers, and never the data.
    let path = format!("/v1/readers/{}/card", encode(READER));
    for origin in ["https://evil.example", "null", "https://site.example:8443"] {
        let r = http(addr, "GET", &path, &[("Origin", origin)]).await;
        assert_eq!(r.status, 403, "{origin}");
        assert!(r.header("access-control-allow-origin").is_none());
        assert!(!r.body.contains("000011112222"));
    }
    // No-cors subresource loads from other sites carry no Origin, but say so.
    let r = http(addr, "GET", &path, &[("Sec-Fetch-Site", "cross-site")]).await;
    assert_eq!(r.status, 403);
    let r = http(addr, "GET", &path, &[("Sec-Fetch-Site", "same-site")]).await;
    assert_eq!(r.status, 403);
    let r = http(addr, "GET", &path, &[("Sec-Fetch-Site", "same-origin")]).await;
    assert_eq!(r.status, 200);
    // Allowed origins get the data with CORS headers.
    let r = http(addr, "GET", &path, &[("Origin", "https://site.example")]).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://site.example")
    );
    assert!(r.header("vary").unwrap().contains("Origin"));
    // The check page itself is no data: any origin may load it.
    let r = http(addr, "GET", "/", &[("Origin", "https://evil.example")]).await;
    assert_eq!(r.status, 200);
    bridge.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn own_page_works_without_loopback_origins() {
    let (backend, _reader) = SimBackend::demo();
    let bridge = start(Arc::new(backend), |c| c.origins.allow_loopback = false).await;
    let addr = bridge.local_addr();
    let mut w = ws_connect(addr, "/echo", Some(&own_origin(addr)))
        .await
        .unwrap();
    assert_eq!(legacy(&mut w, "GetVersion").await, "GetVersion:0001");
    assert!(
        ws_connect(addr, "/echo", Some("http://localhost:3000"))
            .await
            .is_err()
    );
    bridge.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_and_private_network_preflights() {
    let (backend, _reader) = SimBackend::demo();
    let bridge = start(Arc::new(backend), |c| {
        c.origins
            .allowed
            .push(Origin::parse("https://site.example").unwrap());
    })
    .await;
    let addr = bridge.local_addr();
    let path = format!("/v1/readers/{}/card", encode(READER));
    for p in ["/v1/status", "/v1/readers", path.as_str()] {
        let r = http(
            addr,
            "OPTIONS",
            p,
            &[
                ("Origin", "https://site.example"),
                ("Access-Control-Request-Method", "GET"),
                ("Access-Control-Request-Headers", "content-type"),
                ("Access-Control-Request-Private-Network", "true"),
            ],
        )
        .await;
        assert_eq!(r.status, 204, "{p}");
        assert_eq!(
            r.header("access-control-allow-origin"),
            Some("https://site.example")
        );
        assert_eq!(
            r.header("access-control-allow-private-network"),
            Some("true")
        );
        assert!(
            r.header("access-control-allow-methods")
                .unwrap()
                .contains("GET")
        );
        assert_eq!(
            r.header("access-control-allow-headers"),
            Some("content-type")
        );
        assert!(r.header("access-control-max-age").is_some());
        assert!(!r.body.contains("000011112222"));
    }
    // Without the private-network request header, no private-network answer.
    let r = http(
        addr,
        "OPTIONS",
        "/v1/status",
        &[
            ("Origin", "http://localhost:3000"),
            ("Access-Control-Request-Method", "GET"),
        ],
    )
    .await;
    assert_eq!(r.status, 204);
    assert!(r.header("access-control-allow-private-network").is_none());
    // Refused origins: 403, none of the headers.
    let r = http(
        addr,
        "OPTIONS",
        "/v1/status",
        &[
            ("Origin", "https://evil.example"),
            ("Access-Control-Request-Method", "GET"),
            ("Access-Control-Request-Private-Network", "true"),
        ],
    )
    .await;
    assert_eq!(r.status, 403);
    assert!(r.header("access-control-allow-origin").is_none());
    assert!(r.header("access-control-allow-private-network").is_none());
    bridge.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_host_names_are_refused() {
    let (bridge, _reader) = demo().await;
    let addr = bridge.local_addr();
    let port = addr.port();
    // A rebinding attack reaches the bridge under the attacker's name.
    for path in ["/", "/v1/status", "/echo"] {
        let r = http_host(addr, &format!("evil.example:{port}"), "GET", path, &[]).await;
        assert_eq!(r.status, 403, "{path}");
    }
    let r = http_host(addr, &format!("localhost:{port}"), "GET", "/v1/status", &[]).await;
    assert_eq!(r.status, 200);
    let r = http_host(addr, &format!("[::1]:{port}"), "GET", "/v1/status", &[]).await;
    assert_eq!(r.status, 200);
    bridge.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_frames_close_the_connection() {
    let (backend, _reader) = SimBackend::demo();
    let bridge = start(Arc::new(backend), |c| c.max_frame_bytes = 1024).await;
    let addr = bridge.local_addr();
    for path in ["/echo", "/v1/ws"] {
        let mut w = ws(addr, path).await;
        if path == "/v1/ws" {
            next_text(&mut w).await.unwrap(); // hello
        }
        let _ = w.send(Message::Text("G".repeat(4096).into())).await;
        // No reply: the connection is closed (code 1009).
        let mut closed_with = None;
        loop {
            match tokio::time::timeout(STEP, futures_util::StreamExt::next(&mut w))
                .await
                .unwrap()
            {
                Some(Ok(Message::Close(f))) => {
                    closed_with = f.map(|f| u16::from(f.code));
                    break;
                }
                Some(Ok(Message::Text(t))) => panic!("{path}: unexpected reply {t}"),
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => break,
            }
        }
        if let Some(code) = closed_with {
            assert_eq!(code, 1009, "{path}");
        }
    }
    // The bridge is fine afterwards.
    let mut w = ws(addr, "/echo").await;
    assert_eq!(legacy(&mut w, "GetVersion").await, "GetVersion:0001");
    bridge.shutdown().await.unwrap();
}

/// Reads until the server closes the WebSocket; the close code, `None` when the connection
/// just ended.
async fn close_code(w: &mut Ws) -> Option<u16> {
    loop {
        match tokio::time::timeout(STEP, futures_util::StreamExt::next(w))
            .await
            .expect("the server closes the connection in time")
        {
            Some(Ok(Message::Close(f))) => return f.map(|f| u16::from(f.code)),
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => return None,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_count_is_bounded_and_busy_clients_are_never_dropped() {
    // A slow card keeps clients in their requests.
    let card = SimCard::new(Identity::sample(), Faults::parse("slow=300").unwrap());
    let (backend, _reader) = SimBackend::with_card(card);
    let bridge = start(Arc::new(backend), |c| c.max_clients = 2).await;
    let addr = bridge.local_addr();
    let mut a = ws(addr, "/echo").await;
    let mut b = ws(addr, "/echo").await;
    // a's read first (each takes about 0.9 s: three APDUs of 0.3 s), b's waits behind it.
    a.send(Message::Text("GetBasic".into())).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    b.send(Message::Text("GetBasic".into())).await.unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    // Both are in a request: a third client is refused, and so is an HTTP request.
    match ws_connect(addr, "/echo", Some(&own_origin(addr))).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => assert_eq!(resp.status(), 503),
        other => panic!("third client admitted: {:?}", other.map(|_| ())),
    }
    let r = http(addr, "GET", "/v1/status", &[]).await;
    assert_eq!(r.status, 503);
    assert_eq!(r.json()["error"]["code"], 4061);
    // Both get their answers.
    assert_eq!(next_text(&mut a).await.unwrap(), expected_basic());
    assert_eq!(next_text(&mut b).await.unwrap(), expected_basic());
    // Now idle: a newcomer takes the slot of the longest idle (a, answered first), which is
    // closed (1013).
    let mut c = ws(addr, "/echo").await;
    assert_eq!(legacy(&mut c, "GetVersion").await, "GetVersion:0001");
    assert_eq!(close_code(&mut a).await, Some(1013));
    assert_eq!(legacy(&mut b, "GetVersion").await, "GetVersion:0001");
    bridge.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_clients_never_lock_out_a_new_page() {
    let (backend, _reader) = SimBackend::demo();
    let bridge = start(Arc::new(backend), |_| {}).await;
    let addr = bridge.local_addr();
    let cap = twnhi_bridge::config::DEFAULT_MAX_CLIENTS;
    // The cap's worth of clients that connect and then do nothing at all (they do not even
    // read, so they answer no ping).
    let mut idle = Vec::new();
    for i in 0..cap {
        idle.push(if i % 2 == 0 {
            ws(addr, "/echo").await
        } else {
            ws(addr, "/v1/ws").await
        });
    }
    // A new page still gets its answer, promptly.
    let started = std::time::Instant::now();
    let mut page = ws(addr, "/echo").await;
    assert_eq!(legacy(&mut page, "GetVersion").await, "GetVersion:0001");
    assert_eq!(legacy(&mut page, "GetBasic").await, expected_basic());
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(2),
        "the new page waited {took:?}"
    );
    // The one idle the longest (the first) made room.
    assert_eq!(close_code(&mut idle[0]).await, Some(1013));
    let r = call(&mut json_ws(addr).await, json!({"id": 1, "type": "status"})).await;
    assert_eq!(r["result"]["clients"], cap, "{r}");
    bridge.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_websocket_is_closed_and_a_live_one_is_kept() {
    let (backend, _reader) = SimBackend::demo();
    let bridge = start(Arc::new(backend), |c| {
        c.ws_ping_interval = Duration::from_millis(200);
        c.ws_idle_timeout = Duration::from_millis(700);
    })
    .await;
    let addr = bridge.local_addr();
    let mut silent = ws(addr, "/echo").await;
    let mut live = json_ws(addr).await;
    // The live client keeps reading (its WebSocket library answers the pings, as browsers
    // do) but sends nothing itself, for three idle timeouts.
    let started = std::time::Instant::now();
    let mut pings = 0;
    while started.elapsed() < Duration::from_millis(2100) {
        if let Ok(Some(Ok(m))) = tokio::time::timeout(
            Duration::from_millis(100),
            futures_util::StreamExt::next(&mut live),
        )
        .await
        {
            assert!(!m.is_close(), "the live client was closed: {m:?}");
            pings += usize::from(m.is_ping());
        }
    }
    assert!(pings >= 5, "{pings} pings");
    // The silent one was closed as idle: only the live one is left.
    let r = call(&mut live, json!({"id": 1, "type": "status"})).await;
    assert_eq!(r["result"]["clients"], 1, "{r}");
    // (Reading now, its library answers the pings queued before the close frame; the
    // connection is gone by then, so the close code may not be seen.)
    let code = close_code(&mut silent).await;
    assert!(matches!(code, Some(1001) | None), "{code:?}");
    bridge.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_tcp_connection_is_closed_after_the_header_read_timeout() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (backend, _reader) = SimBackend::demo();
    let timeout = Duration::from_millis(500);
    let bridge = start(Arc::new(backend), |c| c.header_read_timeout = timeout).await;
    let addr = bridge.local_addr();
    // Nothing at all, and a request head that never ends (slowloris).
    let mut silent = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    for (what, conn) in [("silent", &mut silent), ("slow", &mut slow)] {
        let mut buf = Vec::new();
        tokio::time::timeout(STEP, conn.read_to_end(&mut buf))
            .await
            .unwrap_or_else(|_| panic!("{what} connection still open after {STEP:?}"))
            .ok();
        let took = started.elapsed();
        assert!(
            took >= timeout - Duration::from_millis(50),
            "{what}: {took:?}"
        );
        assert!(took < timeout * 6, "{what}: {took:?}");
    }
    // A kept-alive connection waiting for its next request is closed the same way.
    let mut kept = tokio::net::TcpStream::connect(addr).await.unwrap();
    kept.write_all(format!("GET /v1/status HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut buf = Vec::new();
    tokio::time::timeout(STEP, kept.read_to_end(&mut buf))
        .await
        .expect("kept-alive connection closed")
        .ok();
    assert!(String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 200"));
    // Pages are served as before.
    let mut w = ws(addr, "/echo").await;
    assert_eq!(legacy(&mut w, "GetVersion").await, "GetVersion:0001");
    bridge.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_tls_a_silent_connection_is_closed_and_makes_room_at_the_cap() {
    use tokio::io::AsyncReadExt;
    let dir = tempfile::tempdir().unwrap();
    let files = twnhi_bridge::tls::write_cert_dir(dir.path(), &[], false).unwrap();
    let settings =
        twnhi_bridge::TlsSettings::from_pem_files(&files.server_cert, &files.server_key).unwrap();
    let (backend, _reader) = SimBackend::demo();
    let timeout = Duration::from_millis(500);
    let bridge = start(Arc::new(backend), move |c| {
        c.tls = Some(settings);
        c.header_read_timeout = timeout;
        c.max_connections = 2;
    })
    .await;
    let addr = bridge.local_addr();
    // Connections that never start their TLS handshake.
    let started = std::time::Instant::now();
    let mut a = tokio::net::TcpStream::connect(addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let mut b = tokio::net::TcpStream::connect(addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    // A third at the cap of two: the oldest (a) is closed at once to admit it.
    let _c = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut buf = Vec::new();
    tokio::time::timeout(STEP, a.read_to_end(&mut buf))
        .await
        .expect("the oldest handshake-less connection was closed")
        .ok();
    assert!(started.elapsed() < timeout, "{:?}", started.elapsed());
    // b is closed by the handshake timeout.
    tokio::time::timeout(STEP, b.read_to_end(&mut buf))
        .await
        .expect("the silent connection was closed")
        .ok();
    let took = started.elapsed();
    assert!(took >= timeout - Duration::from_millis(50), "{took:?}");
    assert!(took < timeout * 6, "{took:?}");
    bridge.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_connection_cap_the_longest_waiting_connection_makes_room() {
    use tokio::io::AsyncReadExt;
    let (backend, _reader) = SimBackend::demo();
    let bridge = start(Arc::new(backend), |c| c.max_connections = 4).await;
    let addr = bridge.local_addr();
    let mut silent = Vec::new();
    for _ in 0..4 {
        silent.push(tokio::net::TcpStream::connect(addr).await.unwrap());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut w = ws(addr, "/echo").await;
    assert_eq!(legacy(&mut w, "GetVersion").await, "GetVersion:0001");
    // The oldest silent connection was closed for it.
    let mut buf = Vec::new();
    tokio::time::timeout(STEP, silent[0].read_to_end(&mut buf))
        .await
        .expect("the oldest silent connection was closed")
        .ok();
    // An HTTP request still gets through too.
    assert_eq!(http(addr, "GET", "/v1/status", &[]).await.status, 200);
    bridge.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_page_under_a_strict_policy() {
    let (bridge, _reader) = demo().await;
    let addr = bridge.local_addr();
    let r = http(addr, "GET", "/", &[]).await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    let csp = r.header("content-security-policy").unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    assert!(csp.contains(&format!("ws://{addr}")), "{csp}");
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    for text in [
        "讀取健保卡",
        "驗證健保卡",
        "清除",
        "檢測健保卡認證",
        "Connection status",
    ] {
        assert!(r.body.contains(text), "{text}");
    }
    assert!(r.body.contains(r#"<script src="/check.js""#));
    let js = http(addr, "GET", "/check.js", &[]).await;
    assert_eq!(js.status, 200);
    assert!(
        js.header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(
        r.body.contains("伺服器連線正常"),
        "the script's texts are in the page"
    );
    let css = http(addr, "GET", "/check.css", &[]).await;
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    bridge.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_closes_sessions_with_going_away() {
    let (bridge, _reader) = demo().await;
    let addr = bridge.local_addr();
    let mut a = ws(addr, "/echo").await;
    let mut b = json_ws(addr).await;
    let started = std::time::Instant::now();
    bridge.shutdown().await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    for w in [&mut a, &mut b] {
        let mut code = None;
        while let Ok(Some(msg)) = tokio::time::timeout(STEP, futures_util::StreamExt::next(w)).await
        {
            if let Ok(Message::Close(f)) = msg {
                code = f.map(|f| u16::from(f.code));
                break;
            }
            if msg.is_err() {
                break;
            }
        }
        assert_eq!(code, Some(1001));
    }
    // Nobody listens any more.
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_clients_never_interleave_on_a_card() {
    let (backend, reader) = SimBackend::demo();
    let bridge = start(Arc::new(backend), |_| {}).await;
    let addr = bridge.local_addr();
    reader.with_card(|c| c.clear_log());
    let clients = 50;
    let mut sockets = Vec::new();
    for _ in 0..clients {
        sockets.push(ws(addr, "/echo").await);
    }
    let barrier = Arc::new(tokio::sync::Barrier::new(clients));
    let tasks: Vec<_> = sockets
        .into_iter()
        .map(|mut w| {
            let barrier = Arc::clone(&barrier);
            tokio::spawn(async move {
                barrier.wait().await;
                legacy(&mut w, "GetBasic").await
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), expected_basic());
    }
    // Whole reads only; requests waiting together share a read, so there may be fewer reads
    // than requests.
    let log = reader.with_card(|c| c.log().to_vec()).unwrap();
    let reads = whole_reads(&log);
    assert!((1..=clients).contains(&reads), "{reads} reads");
    bridge.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_with_the_local_ca() {
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
    use tokio_rustls::rustls::{ClientConfig, RootCertStore};

    let dir = tempfile::tempdir().unwrap();
    let files = twnhi_bridge::tls::write_cert_dir(dir.path(), &[], false).unwrap();
    let settings =
        twnhi_bridge::TlsSettings::from_pem_files(&files.server_cert, &files.server_key).unwrap();
    let (backend, _reader) = SimBackend::demo();
    let bridge = start(Arc::new(backend), move |c| c.tls = Some(settings)).await;
    let addr = bridge.local_addr();
    assert!(bridge.url().starts_with("https://localhost:"));

    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_file(&files.ca_cert).unwrap())
        .unwrap();
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let client = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(client));
    let connect = |name: &'static str| {
        let connector = connector.clone();
        async move {
            let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
            connector
                .connect(ServerName::try_from(name).unwrap(), tcp)
                .await
        }
    };

    // https
    let tls = connect("localhost").await.unwrap();
    let r = http_over(
        tls,
        "GET",
        "/v1/status",
        &format!("localhost:{}", addr.port()),
        &[],
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["service"], "twnhi-bridge");
    // wss, with the page's origin https://localhost:PORT (same origin)
    let tls = connect("localhost").await.unwrap();
    let mut req = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
        format!("wss://localhost:{}/echo", addr.port()),
    )
    .unwrap();
    req.headers_mut().insert(
        "origin",
        format!("https://localhost:{}", addr.port())
            .parse()
            .unwrap(),
    );
    let (mut w, _) = tokio_tungstenite::client_async(req, tls).await.unwrap();
    assert_eq!(legacy(&mut w, "GetVersion").await, "GetVersion:0001");
    assert_eq!(legacy(&mut w, "GetBasic").await, expected_basic());
    // The certificate also names 127.0.0.1; not other names.
    assert!(connect("127.0.0.1").await.is_ok());
    assert!(connect("example.org").await.is_err());
    drop(w);
    bridge.shutdown().await.unwrap();
}

/// A backend of the embedding program's own, whose watch hands its event sink to the test:
/// readers come and go as the test says.
#[derive(Clone, Default)]
struct ScriptedBackend {
    sink: Arc<std::sync::Mutex<Option<twnhi_bridge::EventSink>>>,
}

impl twnhi_bridge::CardBackend for ScriptedBackend {
    fn kind(&self) -> &'static str {
        "scripted"
    }
    fn readers(&self) -> Result<Vec<twnhi_bridge::ReaderInfo>, twnhi_card::CardError> {
        Ok(Vec::new())
    }
    fn read(&self, _: &str) -> Result<twnhi_bridge::CardRead, twnhi_card::CardError> {
        Err(twnhi_card::TransportError::NoCard.into())
    }
    fn challenge(&self, _: &str) -> Result<twnhi_card::Challenge, twnhi_card::CardError> {
        Err(twnhi_card::TransportError::NoCard.into())
    }
    fn authenticate(&self, _: &str, _: &[u8; 32]) -> Result<[u8; 16], twnhi_card::CardError> {
        Err(twnhi_card::TransportError::NoCard.into())
    }
    fn watch(&self, events: twnhi_bridge::EventSink) -> twnhi_bridge::WatchHandle {
        *self.sink.lock().unwrap() = Some(events);
        let slot = Arc::clone(&self.sink);
        twnhi_bridge::WatchHandle::new(move || {
            slot.lock().unwrap().take();
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reader_events_from_a_custom_backend() {
    let backend = ScriptedBackend::default();
    let bridge = start(Arc::new(backend.clone()), |_| {}).await;
    let mut w = json_ws(bridge.local_addr()).await;
    let r = call(&mut w, json!({"id": 1, "type": "status"})).await;
    assert_eq!(r["result"]["backend"], "scripted");
    let sink = backend.sink.lock().unwrap().clone().expect("watch started");
    let reader = |name: &str, atr: Option<&[u8]>| match atr {
        Some(atr) => twnhi_bridge::ReaderInfo::with_card(name, atr),
        None => twnhi_bridge::ReaderInfo::empty(name),
    };
    sink.sync(&[reader("USB Reader", None)]);
    let e = expect_event(&mut w, "reader-added").await;
    assert_eq!(e["reader"], "USB Reader");
    sink.sync(&[reader("USB Reader", Some(twnhi_card::atr::DEFAULT_NHI_ATR))]);
    let e = expect_event(&mut w, "card-inserted").await;
    assert_eq!(e["card_kind"], "nhi");
    sink.sync(&[]);
    expect_event(&mut w, "card-removed").await;
    let e = expect_event(&mut w, "reader-removed").await;
    assert_eq!(e["reader"], "USB Reader");
    sink.service_down();
    expect_event(&mut w, "service-down").await;
    sink.sync(&[]);
    expect_event(&mut w, "service-up").await;
    bridge.shutdown().await.unwrap();
    // The watch was stopped with the bridge.
    assert!(backend.sink.lock().unwrap().is_none());
}
