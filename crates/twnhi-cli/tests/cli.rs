//! The `twnhi` binary without PC/SC: decoding, ID and password checks, usage errors, help.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod common;
use std::process::{Command, Output};

use common::twnhi;

fn twnhi_stdin(args: &[&str], input: &str) -> Output {
    common::twnhi_stdin(args, &[], input)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The sample card's 57 bytes of basic data followed by 90 00, with spaces.
const SAMPLE_59: &str = "30 30 30 30 31 31 31 31 32 32 32 32 B4 FA B8 D5 A4 40 20 20 20 20 20 20 \
    20 20 20 20 20 20 20 20 41 31 32 33 34 35 36 37 38 39 30 37 39 30 31 30 31 4D 31 30 39 31 30 \
    32 37 90 00";

#[test]
fn decode_prints_every_field() {
    let o = twnhi(&["card", "decode", SAMPLE_59]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for want in [
        "000011112222",
        "測試一",
        "A123456789",
        "1990-01-01（民國 79 年 1 月 1 日）",
        "男 M",
        "2020-10-27（民國 109 年 10 月 27 日）",
    ] {
        assert!(out.contains(want), "missing {want} in:\n{out}");
    }
}

#[test]
fn decode_json_has_the_documented_fields() {
    let hex57: String = SAMPLE_59.replace(' ', "")[..114].to_owned();
    let o = twnhi(&["card", "decode", &hex57, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["card_no"], "000011112222");
    assert_eq!(v["name"], "測試一");
    assert_eq!(v["name_lossy"], false);
    assert_eq!(v["id_no"], "A123456789");
    assert_eq!(v["birth_date"], "1990-01-01");
    assert_eq!(v["sex"], "M");
    assert_eq!(v["issue_date"], "2020-10-27");
    assert!(v.get("reader").is_none());
}

#[test]
fn decode_reports_lossy_names() {
    // Replace 一 (A4 40) with bytes that are not Big5.
    let hex = SAMPLE_59.replace("A4 40", "80 40");
    let o = twnhi(&["card", "decode", &hex, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["name_lossy"], true);
    assert!(v["name"].as_str().unwrap().contains('\u{FFFD}'));
}

#[test]
fn bad_input_is_exit_2_with_one_bilingual_line() {
    for args in [
        vec!["card", "decode", "zz"],
        vec!["card", "decode", "00 11 22"],
        // 59 bytes whose status word is not 90 00.
        vec![
            "card",
            "decode",
            &*Box::leak(SAMPLE_59.replace("90 00", "6A 82").into_boxed_str()),
        ],
        // A month 13 birth date.
        vec![
            "card",
            "decode",
            &*Box::leak(
                SAMPLE_59
                    .replace("30 37 39 30 31 30 31", "30 37 39 31 33 30 31")
                    .into_boxed_str(),
            ),
        ],
    ] {
        let o = twnhi(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("錯誤 error: "), "{err}");
        assert!(err.contains(" / "), "not bilingual: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn usage_errors_exit_2() {
    let o = twnhi(&["card", "read", "--wait", "soon"]);
    assert_eq!(o.status.code(), Some(2));
    let o = twnhi(&["card", "sim", "--mode", "sideways"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("sideways"));
}

#[test]
fn help_teaches() {
    let o = twnhi(&["card", "read", "--help"]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.contains("--wait") && out.contains("Examples:"), "{out}");
    let o = twnhi(&["card", "sim", "--help"]);
    let out = stdout(&o);
    assert!(
        out.contains("remove-after=N") && out.contains("35963"),
        "{out}"
    );
    let o = twnhi(&["--help"]);
    assert!(stdout(&o).contains("Exit codes"));
}

#[test]
fn sim_without_vpcd_is_an_environment_error() {
    // A port nothing listens on.
    let o = twnhi(&["card", "sim", "--vpcd", "127.0.0.1:9"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("vpcd"), "{}", stderr(&o));
}

#[test]
fn sim_refuses_a_bad_identity_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("id.json");
    std::fs::write(&path, r#"{"card_no": "123"}"#).unwrap();
    let o = twnhi(&["card", "sim", "--identity", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let o = twnhi(&["card", "sim", "--identity", "/nonexistent/id.json"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn id_check_reports_kind_sex_and_validity() {
    let o = twnhi(&["id", "check", "A123456789", "A123456788"]);
    assert_eq!(o.status.code(), Some(1), "one invalid → exit 1");
    let out = stdout(&o);
    assert!(out.contains("A123456789\tnational\tmale\tvalid"), "{out}");
    assert!(
        out.contains("A123456788") && out.contains("invalid"),
        "{out}"
    );
    let o = twnhi(&["id", "check", "A123456789", "--json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
    assert_eq!(v["kind"], "national");
    assert_eq!(v["valid"], true);
}

#[test]
fn password_check_reads_stdin() {
    let o = twnhi_stdin(&["password", "check", "--json"], "Abcd1234!x\n");
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["strength"], "strong");
    let o = twnhi_stdin(&["password", "check"], "a<b\n");
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("6-12"), "{}", stdout(&o));
}

/// `twnhi serve --print-config` merges file, environment and flags, masks secrets, and what
/// it prints is itself a valid configuration file.
#[test]
fn serve_prints_its_merged_settings() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("twnhi.toml");
    std::fs::write(
        &file,
        "public_url = \"https://file.example/\"\nsmtp_url = \"smtp://u:hunter2@mail.example:587\"\nlisten = \"127.0.0.1:9000\"\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_twnhi"))
        .args([
            "serve",
            "--config",
            file,
            "--print-config",
            "--listen",
            "127.0.0.1:9100",
        ])
        .env("TWNHI_SMTP_PASSWORD", "s3cret-pass")
        .env("TWNHI_SERVICE_HOURS", "07:00-22:00")
        .env_remove("TWNHI_LOG")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("listen = \"127.0.0.1:9100\""),
        "the flag: {out}"
    );
    assert!(
        out.contains("public_url = \"https://file.example/\""),
        "the file: {out}"
    );
    assert!(
        out.contains("service_hours = \"07:00-22:00\""),
        "the environment: {out}"
    );
    assert!(
        out.contains("database_url = \"twnhi.sqlite3\""),
        "the default: {out}"
    );
    assert!(
        !out.contains("hunter2") && !out.contains("s3cret-pass"),
        "{out}"
    );
    let printed = dir.path().join("printed.toml");
    std::fs::write(&printed, &out).unwrap();
    let again = twnhi(&[
        "serve",
        "--config",
        printed.to_str().unwrap(),
        "--print-config",
    ]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));

    // An unknown key: exit 2, the line and column named.
    std::fs::write(
        dir.path().join("bad.toml"),
        "public_url = \"https://a.example/\"\nlisen = 1\n",
    )
    .unwrap();
    let o = twnhi(&[
        "serve",
        "--config",
        dir.path().join("bad.toml").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("line 2, column 1"), "{}", stderr(&o));
}

#[test]
fn bridge_prints_its_merged_settings() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bridge.toml");
    std::fs::write(
        &file,
        "allow_origins = [\"https://nhi.example.org\"]\nmax_clients = 16\n",
    )
    .unwrap();
    let o = twnhi(&[
        "bridge",
        "--config",
        file.to_str().unwrap(),
        "--max-clients",
        "32",
        "--print-config",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("max_clients = 32"), "{out}");
    assert!(
        out.contains("allow_origins = [\"https://nhi.example.org\"]"),
        "{out}"
    );
    assert!(out.contains("listen = \"127.0.0.1:7777\""), "{out}");
    std::fs::write(&file, "max_clients = \"many\"\n").unwrap();
    let o = twnhi(&["bridge", "--config", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("line 1"), "{}", stderr(&o));
}

/// A replacement card imported in batches of one, listed before the old card it replaces:
/// the old card's revocation is written first whatever the batch, so the person never has
/// two valid cards (which the store refuses).
#[test]
fn a_replacement_card_imports_in_any_batch_size() {
    let dir = tempfile::tempdir().unwrap();
    let people = dir.path().join("people");
    let key = dir.path().join("sam.key");
    let db = dir.path().join("t.sqlite3");
    let o = twnhi(&[
        "admin",
        "registry",
        "demo",
        "--count",
        "1",
        "--out",
        people.to_str().unwrap(),
        "--sam-key",
        key.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(people.join("registry.csv")).unwrap();
    let mut lines = csv.lines();
    let header = lines.next().unwrap().to_owned();
    let row = lines.next().unwrap().to_owned();
    let first = std::fs::read_to_string(people.join("registry.csv")).unwrap();
    let old_card = row.split(',').next().unwrap().to_owned();
    assert!(row.contains(",valid,"), "{row}");
    let new_card = format!("{:012}", old_card.parse::<u64>().unwrap() + 1);
    let new_row = row.replacen(&old_card, &new_card, 1);
    let revoked_row = row.replace(",valid,", ",revoked,");
    let replacement = dir.path().join("replacement.csv");
    std::fs::write(
        &replacement,
        format!("{header}\n{new_row}\n{revoked_row}\n"),
    )
    .unwrap();
    let original = dir.path().join("original.csv");
    std::fs::write(&original, first).unwrap();
    let db = db.to_str().unwrap();
    let o = twnhi(&[
        "admin",
        "registry",
        "import",
        "--db",
        db,
        original.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = twnhi(&[
        "admin",
        "registry",
        "import",
        "--batch",
        "1",
        "--db",
        db,
        replacement.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("1 new, 1 updated (1 persons, 2 cards"),
        "{}",
        stdout(&o)
    );
}

/// `--no-cards` writes the registry alone (for large import benchmarks); more than 100,000
/// persons need it.
#[test]
fn a_registry_without_card_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("big");
    let key = dir.path().join("sam.key");
    let o = twnhi(&[
        "admin",
        "registry",
        "demo",
        "--count",
        "3",
        "--no-cards",
        "--out",
        out.to_str().unwrap(),
        "--sam-key",
        key.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(out.join("registry.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4, "a header and three persons");
    assert!(!out.join("cards").exists());
    let o = twnhi(&[
        "admin",
        "registry",
        "demo",
        "--count",
        "100001",
        "--out",
        out.to_str().unwrap(),
        "--sam-key",
        key.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--no-cards"), "{}", stderr(&o));
}
