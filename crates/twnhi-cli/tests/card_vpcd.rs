//! `twnhi card …` through the real PC/SC stack: pcscd + vsmartcard-vpcd with the simulated
//! card (tier 4; built with the `vpcd-tests` feature, run by scripts/test as root).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;
use twnhi_sim::{Faults, Identity, SimCard};
use twnhi_testkit::{READER, VpcdHarness, wait_for_state};

fn twnhi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_twnhi"))
        .args(args)
        .env_remove("TWNHI_READER")
        .output()
        .expect("run twnhi")
}

fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_twnhi"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn twnhi")
}

fn json(o: &Output) -> serde_json::Value {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

fn err_line(o: &Output) -> String {
    let e = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(e.lines().count(), 1, "one line on stderr: {e}");
    assert!(!e.contains("panicked"), "{e}");
    e
}

fn card(mode: &str) -> SimCard {
    SimCard::new(Identity::sample(), Faults::parse(mode).unwrap())
}

#[test]
fn readers_and_read() {
    let h = VpcdHarness::start();
    let v = json(&twnhi(&["card", "readers", "--json"]));
    let first = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == READER)
        .expect("vpcd reader listed");
    assert_eq!(first["card_present"], false);

    let attached = h.insert(card("normal"));
    let v = json(&twnhi(&["card", "readers", "--json"]));
    let first = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == READER)
        .unwrap();
    assert_eq!(first["card_present"], true);

    let v = json(&twnhi(&["card", "read", "--json"]));
    assert_eq!(v["reader"], READER);
    assert_eq!(v["card_no"], "000011112222");
    assert_eq!(v["name"], "測試一");
    assert_eq!(v["id_no"], "A123456789");
    assert_eq!(v["birth_date"], "1990-01-01");
    assert_eq!(v["sex"], "M");
    assert_eq!(v["issue_date"], "2020-10-27");

    let o = twnhi(&["card", "read", "--reader", READER]);
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("測試一") && out.contains(READER), "{out}");
    h.remove(attached);
}

#[test]
fn every_fault_mode_reads_through_pcsc() {
    let h = VpcdHarness::start();
    for mode in ["t0", "new-gen", "wrong-le", "slow=30"] {
        let attached = h.insert(card(mode));
        let v = json(&twnhi(&["card", "read", "--json"]));
        assert_eq!(v["card_no"], "000011112222", "{mode}");
        h.remove(attached);
    }
}

#[test]
fn environment_errors_exit_3_card_errors_exit_4() {
    let mut h = VpcdHarness::start();
    // No card.
    let o = twnhi(&["card", "read"]);
    assert_eq!(o.status.code(), Some(3));
    let e = err_line(&o);
    assert!(e.contains("[7004]"), "{e}");
    // Unknown reader.
    let o = twnhi(&["card", "read", "--reader", "No Such Reader 99"]);
    assert_eq!(o.status.code(), Some(3));
    err_line(&o);
    // Not an NHI card.
    let attached = h.insert(card("other-card"));
    let o = twnhi(&["card", "read", "--reader", READER]);
    assert_eq!(o.status.code(), Some(4));
    let e = err_line(&o);
    assert!(e.contains("[8013]"), "{e}");
    h.remove(attached);
    // Removed mid-read: the card leaves after answering SELECT.
    let attached = h.insert(card("remove-after=1"));
    let o = twnhi(&["card", "read", "--reader", READER]);
    assert_eq!(o.status.code(), Some(4));
    let e = err_line(&o);
    assert!(e.contains("[8002]"), "{e}pcscd's log:\n{}", h.pcscd_log());
    drop(attached);
    wait_for_state(READER, false, Duration::from_secs(5));
    // PC/SC service not running.
    h.stop_pcscd();
    let o = twnhi(&["card", "read"]);
    assert_eq!(o.status.code(), Some(3));
    let e = err_line(&o);
    assert!(e.contains("[7001]"), "{e}");
    let o = twnhi(&["card", "readers"]);
    assert_eq!(o.status.code(), Some(3));
}

#[test]
fn read_waits_for_insertion() {
    let h = VpcdHarness::start();
    let reader = spawn(&["card", "read", "--wait", "20", "--json"]);
    // The read is waiting in SCardGetStatusChange; insert the card now.
    std::thread::sleep(Duration::from_millis(300));
    let attached = h.insert(card("normal"));
    let o = reader.wait_with_output().unwrap();
    let v = json(&o);
    assert_eq!(v["card_no"], "000011112222");
    h.remove(attached);

    // Waiting with nothing inserted ends with "no card" after the wait.
    let o = twnhi(&["card", "read", "--wait", "1"]);
    assert_eq!(o.status.code(), Some(3));
}

#[test]
fn watch_reports_insertion_and_removal() {
    let h = VpcdHarness::start();
    let mut watch = spawn(&["card", "watch", "--json", "--max-events", "2"]);
    let mut lines = BufReader::new(watch.stdout.take().unwrap()).lines();
    std::thread::sleep(Duration::from_millis(500));
    let attached = h.insert(card("normal"));
    let first: serde_json::Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(first["event"], "card-inserted");
    assert_eq!(first["reader"], READER);
    h.remove(attached);
    let second: serde_json::Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(second["event"], "card-removed");
    assert!(watch.wait().unwrap().success());
}

#[test]
fn card_sim_command_attaches_a_readable_card() {
    let _h = VpcdHarness::start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("person.json");
    let mut id = Identity::sample();
    id.card_no = "000099998888".into();
    id.name = "測試二".into();
    std::fs::write(&path, id.to_json().unwrap()).unwrap();

    let mut sim = spawn(&[
        "card",
        "sim",
        "--identity",
        path.to_str().unwrap(),
        "--mode",
        "t0",
    ]);
    wait_for_state(READER, true, Duration::from_secs(10));
    let v = json(&twnhi(&["card", "read", "--json"]));
    assert_eq!(v["card_no"], "000099998888");
    assert_eq!(v["name"], "測試二");
    // Ending the sim process pulls the card out.
    sim.kill().unwrap();
    sim.wait().unwrap();
    wait_for_state(READER, false, Duration::from_secs(10));
}
