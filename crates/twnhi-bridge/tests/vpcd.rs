//! The bridge through the real PC/SC stack (tier 4): pcscd + vsmartcard-vpcd with the
//! simulated card attached, the bridge's PC/SC backend in process on a free port.
//!
//! Needs root, pcscd and vsmartcard-vpcd (`scripts/test` installs them); built only with the
//! `vpcd-tests` feature. The harness serialises these tests with every other tier-4 test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use futures_util::SinkExt;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::block_in_place;
use tokio_tungstenite::tungstenite::Message;
use twnhi_bridge::PcscBackend;
use twnhi_sim::vpcd::Reconnect;
use twnhi_sim::{Faults, Identity, SimCard};
use twnhi_testkit::{READER, READER2, VpcdHarness, wait_for_state};

fn expected_basic() -> String {
    "GetBasic:000011112222,A123456789,測試一,0790101,M,0".to_owned()
}

fn card() -> SimCard {
    SimCard::new(Identity::sample(), Faults::default())
}

async fn bridge() -> twnhi_bridge::BridgeHandle {
    start(Arc::new(PcscBackend::new()), |_| {}).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_frames_through_pcscd() {
    let h = block_in_place(VpcdHarness::start);
    let attached = block_in_place(|| h.insert(card()));
    let b = bridge().await;
    let mut w = ws(b.local_addr(), "/echo").await;
    assert_eq!(legacy(&mut w, "GetVersion").await, "GetVersion:0001");
    assert_eq!(legacy(&mut w, "GetBasic").await, expected_basic());
    assert_eq!(legacy(&mut w, "GetBasic").await, expected_basic());
    let r = legacy(&mut w, "GetRandom").await;
    assert!(
        r.strip_prefix("GetRandom:")
            .is_some_and(|d| d.len() == 16 && d.bytes().all(|b| b.is_ascii_digit())),
        "{r}"
    );
    assert_eq!(legacy(&mut w, "Unknown").await, "9999");
    assert_eq!(legacy(&mut w, "H_Sign").await, "8201");
    assert_eq!(legacy(&mut w, "EnCrypt").await, "8201");
    assert_eq!(legacy(&mut w, "SecureGetBasicWithParam").await, "8201");
    let sim = block_in_place(|| h.remove(attached));
    // Two reads, each SELECT + GET DATA 11 + GET DATA 24, and nothing else.
    assert_reads_not_interleaved(sim.log(), 2);
    assert_eq!(legacy(&mut w, "GetBasic").await, "7004");
    // Not an NHI card.
    let other = block_in_place(|| {
        h.insert(SimCard::new(
            Identity::sample(),
            Faults::parse("other-card").unwrap(),
        ))
    });
    // A card known not to be an NHI card is not picked by "any reader"; named, it is refused.
    let mut j = json_ws(b.local_addr()).await;
    let r = call(&mut j, json!({"id": 1, "type": "read", "reader": READER})).await;
    assert_eq!(r["error"]["code"], 8013, "{r}");
    block_in_place(|| h.remove(other));
    b.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_requests_through_pcscd() {
    let h = block_in_place(VpcdHarness::start);
    let attached = block_in_place(|| h.insert(card()));
    let b = bridge().await;
    let addr = b.local_addr();
    let id = Identity::sample();
    let mut w = json_ws(addr).await;

    let r = call(&mut w, json!({"id": 1, "type": "status"})).await;
    assert_eq!(r["result"]["backend"], "pcsc");
    assert_eq!(r["result"]["card_service"], true);
    assert_eq!(r["result"]["cards"], 1);
    let r = call(&mut w, json!({"id": 2, "type": "readers"})).await;
    let readers = r["result"]["readers"].as_array().unwrap();
    let first = readers.iter().find(|x| x["name"] == READER).unwrap();
    assert_eq!(first["card_present"], true);
    assert_eq!(first["card_kind"], "nhi");
    assert!(
        readers
            .iter()
            .any(|x| x["name"] == READER2 && x["card_present"] == false)
    );

    let r = call(&mut w, json!({"id": 3, "type": "read"})).await;
    assert_eq!(r["result"]["reader"], READER);
    assert_eq!(r["result"]["card_no"], id.card_no);
    assert_eq!(r["result"]["name"], id.name);
    assert_eq!(r["result"]["birth_date_roc"], "0790101");
    assert_eq!(r["result"]["card_data_flag"], "0");

    let r = call(&mut w, json!({"id": 4, "type": "challenge"})).await;
    assert_eq!(r["result"]["card_no"], id.card_no);
    let rc: [u8; 8] = hex::decode(r["result"]["rc"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let rs = [0x11; 16];
    let au = id.key().build_au(&rc, &rs);
    let r = call(
        &mut w,
        json!({"id": 5, "type": "authenticate", "au": hex::encode_upper(au)}),
    )
    .await;
    let cr: [u8; 16] = hex::decode(r["result"]["cr"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    assert!(id.key().verify_cr(&rs, &rc, &id.card_no, &cr));
    // A forged au: the card refuses it.
    let r = call(&mut w, json!({"id": 6, "type": "challenge"})).await;
    assert!(r["result"]["rc"].is_string());
    let r = call(
        &mut w,
        json!({"id": 7, "type": "authenticate", "au": "00".repeat(32)}),
    )
    .await;
    assert_eq!(r["error"]["code"], 8006, "{r}");

    // The empty second reader.
    let r = call(&mut w, json!({"id": 8, "type": "read", "reader": READER2})).await;
    assert_eq!(r["error"]["code"], 7004, "{r}");

    // HTTP
    let r = http(
        addr,
        "GET",
        &format!("/v1/readers/{}/card", encode(READER)),
        &[],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["id_no"], id.id_no);
    let r = http(
        addr,
        "GET",
        &format!("/v1/readers/{}/card", encode(READER2)),
        &[],
    )
    .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["code"], 7004);
    let r = http(addr, "GET", "/v1/readers", &[]).await;
    assert_eq!(r.status, 200);
    let r = http(addr, "GET", "/v1/status", &[]).await;
    assert_eq!(r.json()["card_service"], true);
    block_in_place(|| h.remove(attached));
    b.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_on_insertion_and_removal() {
    let h = block_in_place(VpcdHarness::start);
    let b = bridge().await;
    let mut w = json_ws(b.local_addr()).await;
    // (The watch's first look may come before or after this client connected.)
    let attached = block_in_place(|| h.insert(card()));
    let e = expect_event(&mut w, "card-inserted").await;
    assert_eq!(e["reader"], READER);
    assert_eq!(e["card_kind"], "nhi");
    block_in_place(|| h.remove(attached));
    let e = expect_event(&mut w, "card-removed").await;
    assert_eq!(e["reader"], READER);
    b.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_origins_get_no_data() {
    let h = block_in_place(VpcdHarness::start);
    let attached = block_in_place(|| h.insert(card()));
    let b = bridge().await;
    let addr = b.local_addr();
    for path in ["/echo", "/v1/ws"] {
        assert!(
            ws_connect(addr, path, Some("https://evil.example"))
                .await
                .is_err(),
            "{path}"
        );
    }
    let path = format!("/v1/readers/{}/card", encode(READER));
    for p in [path.as_str(), "/v1/readers", "/v1/status"] {
        let r = http(addr, "GET", p, &[("Origin", "https://evil.example")]).await;
        assert_eq!(r.status, 403, "{p}");
        assert!(r.header("access-control-allow-origin").is_none());
        assert!(!r.body.contains("000011112222") && !r.body.contains("A123456789"));
    }
    let r = http(
        addr,
        "OPTIONS",
        &path,
        &[
            ("Origin", "https://evil.example"),
            ("Access-Control-Request-Method", "GET"),
            ("Access-Control-Request-Private-Network", "true"),
        ],
    )
    .await;
    assert_eq!(r.status, 403);
    assert!(r.header("access-control-allow-private-network").is_none());
    // The card was never touched.
    let sim = block_in_place(|| h.remove(attached));
    assert!(sim.log().is_empty(), "{:?}", sim.log());
    b.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_clients_read_without_interleaving() {
    let h = block_in_place(VpcdHarness::start);
    let attached = block_in_place(|| h.insert(card()));
    let b = bridge().await;
    let addr = b.local_addr();
    let clients = 50;
    let mut legacy_sockets = Vec::new();
    let mut json_sockets = Vec::new();
    for i in 0..clients {
        if i % 2 == 0 {
            legacy_sockets.push(ws(addr, "/echo").await);
        } else {
            json_sockets.push(json_ws(addr).await);
        }
    }
    let barrier = Arc::new(tokio::sync::Barrier::new(clients));
    let mut tasks = Vec::new();
    for mut w in legacy_sockets {
        let barrier = Arc::clone(&barrier);
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let reply = legacy(&mut w, "GetBasic").await;
            assert_eq!(reply, expected_basic());
        }));
    }
    for (i, mut w) in json_sockets.into_iter().enumerate() {
        let barrier = Arc::clone(&barrier);
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let r = call(&mut w, json!({"id": i, "type": "read"})).await;
            assert_eq!(r["id"], i);
            assert_eq!(r["result"]["card_no"], "000011112222", "{r}");
        }));
    }
    let started = Instant::now();
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = started.elapsed();
    let sim = block_in_place(|| h.remove(attached));
    // Whole reads only; requests waiting together share a read.
    let reads = whole_reads(sim.log());
    assert!((1..=clients).contains(&reads), "{reads} reads");
    eprintln!("50 concurrent requests through pcscd + vpcd in {elapsed:?}, {reads} card reads");
    b.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pcsc_service_stopped_and_restarted() {
    let mut h = block_in_place(VpcdHarness::start);
    let attached = block_in_place(|| h.insert_with(card(), Reconnect::Yes));
    let b = bridge().await;
    let addr = b.local_addr();
    let mut w = ws(addr, "/echo").await;
    let mut j = json_ws(addr).await;
    // A client that only listens to events (`call` skips the events it meets).
    let mut events = json_ws(addr).await;
    assert_eq!(legacy(&mut w, "GetBasic").await, expected_basic());

    block_in_place(|| h.stop_pcscd());
    // The bridge stays up and answers 7001.
    assert_eq!(legacy(&mut w, "GetBasic").await, "7001");
    assert_eq!(legacy(&mut w, "GetVersion").await, "GetVersion:0001");
    let r = call(&mut j, json!({"id": 1, "type": "read"})).await;
    assert_eq!(r["error"]["code"], 7001, "{r}");
    let r = call(&mut j, json!({"id": 2, "type": "readers"})).await;
    assert_eq!(r["error"]["code"], 7001, "{r}");
    let r = http(addr, "GET", "/v1/status", &[]).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["card_service"], false);
    assert_eq!(r.json()["card_service_error"]["code"], 7001);
    let r = http(addr, "GET", "/v1/readers", &[]).await;
    assert_eq!(r.status, 503);
    assert_eq!(r.json()["error"]["code"], 7001);
    expect_event(&mut events, "service-down").await;
    let r = http(addr, "GET", "/", &[]).await;
    assert_eq!(r.status, 200);

    block_in_place(|| {
        h.start_pcscd();
        wait_for_state(READER, true, Duration::from_secs(10));
    });
    // Reads work again (the PC/SC context is re-established on the next call).
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let reply = legacy(&mut w, "GetBasic").await;
        if reply == expected_basic() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still failing after restart: {reply}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    expect_event(&mut events, "service-up").await;
    let e = expect_event(&mut events, "card-inserted").await;
    assert_eq!(e["reader"], READER);
    let r = call(&mut j, json!({"id": 3, "type": "read"})).await;
    assert_eq!(r["result"]["card_no"], "000011112222", "{r}");
    w.send(Message::Close(None)).await.ok();
    block_in_place(|| h.remove(attached));
    b.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kept_connection_is_released_and_survives_a_card_swap() {
    use twnhi_pcsc::pcsc;
    let h = block_in_place(VpcdHarness::start);
    let attached = block_in_place(|| h.insert(card()));
    let b = bridge().await;
    let mut w = ws(b.local_addr(), "/echo").await;
    assert_eq!(legacy(&mut w, "GetBasic").await, expected_basic());

    // Another program that wants the card exclusively gets it once the bridge's connection
    // has been idle for a while (2 s, checked about every second).
    block_in_place(|| {
        let ctx = pcsc::Context::establish(pcsc::Scope::User).unwrap();
        let name = std::ffi::CString::new(READER).unwrap();
        let deadline = Instant::now() + Duration::from_secs(8);
        loop {
            match ctx.connect(&name, pcsc::ShareMode::Exclusive, pcsc::Protocols::ANY) {
                Ok(card) => {
                    let _ = card.disconnect(pcsc::Disposition::LeaveCard);
                    return;
                }
                Err(pcsc::Error::SharingViolation) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => panic!("exclusive connect: {e}"),
            }
        }
    });

    // A card swapped between two reads: the kept connection fails, a new one reads the new card.
    assert_eq!(legacy(&mut w, "GetBasic").await, expected_basic());
    block_in_place(|| h.remove(attached));
    let mut other = Identity::sample();
    other.card_no = "000033334444".into();
    other.name = "測試二".into();
    other.id_no = "B223456789".into();
    let attached = block_in_place(|| h.insert(SimCard::new(other, Faults::default())));
    let reply = legacy(&mut w, "GetBasic").await;
    assert_eq!(reply, "GetBasic:000033334444,B223456789,測試二,0790101,M,0");
    block_in_place(|| h.remove(attached));
    assert_eq!(legacy(&mut w, "GetBasic").await, "7004");
    b.shutdown().await.unwrap();
}

/// What another program on the PC does to the card when it lets go of it.
#[derive(Clone, Copy, Debug)]
enum OtherLeaves {
    /// `SCardDisconnect(SCARD_UNPOWER_CARD)`: pyscard's default, and other agents'.
    PoweringDown,
    /// `SCardDisconnect(SCARD_RESET_CARD)`.
    Resetting,
}

/// Another program shares the reader while the bridge holds its connection to the card, and
/// powers the card down (or resets it) when it disconnects. The bridge's next read must
/// succeed, and the card must stay usable for every program afterwards.
async fn another_program_between_two_reads(leaves: OtherLeaves, padding: &str) {
    use twnhi_pcsc::pcsc;
    let h = block_in_place(VpcdHarness::start);
    let mode = Faults::parse(padding).unwrap();
    let attached = block_in_place(|| h.insert(SimCard::new(Identity::sample(), mode)));
    let b = bridge().await;
    let mut w = ws(b.local_addr(), "/echo").await;
    assert_eq!(
        legacy(&mut w, "GetBasic").await,
        expected_basic(),
        "{padding}"
    );

    // The other program: its own context, a shared connection, one APDU, then it leaves.
    block_in_place(|| {
        let ctx = pcsc::Context::establish(pcsc::Scope::User).unwrap();
        let name = std::ffi::CString::new(READER).unwrap();
        let card = ctx
            .connect(&name, pcsc::ShareMode::Shared, pcsc::Protocols::ANY)
            .unwrap();
        let mut buf = [0u8; pcsc::MAX_BUFFER_SIZE];
        let select = twnhi_card::commands::select_nhi().to_vec();
        assert_eq!(card.transmit(&select, &mut buf).unwrap(), [0x90, 0x00]);
        let disposition = match leaves {
            OtherLeaves::PoweringDown => pcsc::Disposition::UnpowerCard,
            OtherLeaves::Resetting => pcsc::Disposition::ResetCard,
        };
        card.disconnect(disposition).map_err(|(_, e)| e).unwrap();
    });

    // The bridge reads again on its kept connection (the card was powered down or reset
    // under it).
    assert_eq!(
        legacy(&mut w, "GetBasic").await,
        expected_basic(),
        "{leaves:?}, {padding}: {}",
        h.pcscd_log()
    );
    // And a third program still gets the card: pcscd was not left refusing connections.
    block_in_place(|| {
        let pcsc = twnhi_pcsc::Pcsc::establish().unwrap();
        let (_, data) = pcsc.read_basic(Some(READER)).unwrap_or_else(|e| {
            panic!(
                "{leaves:?}, {padding}: fresh read failed: {e}\n{}",
                h.pcscd_log()
            )
        });
        assert_eq!(data.name, "測試一");
    });
    // Once more through the bridge, after its connection was released.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(legacy(&mut w, "GetBasic").await, expected_basic());
    let r = call(
        &mut json_ws(b.local_addr()).await,
        json!({"id": 1, "type": "read"}),
    )
    .await;
    assert_eq!(r["result"]["name"], "測試一", "{r}");
    block_in_place(|| h.remove(attached));
    b.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_program_powering_the_card_down_between_two_reads() {
    another_program_between_two_reads(OtherLeaves::PoweringDown, "normal").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_program_powering_a_nul_padded_card_down_between_two_reads() {
    another_program_between_two_reads(OtherLeaves::PoweringDown, "pad-nul").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_program_resetting_the_card_between_two_reads() {
    another_program_between_two_reads(OtherLeaves::Resetting, "normal").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_program_resetting_a_nul_padded_card_between_two_reads() {
    another_program_between_two_reads(OtherLeaves::Resetting, "pad-nul").await;
}
