//! `twnhi admin registry import` reads its file as a stream: memory does not grow with the
//! file, a bad row is reported by its line before anything is written, and a failed import
//! can be run again to completion.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod common;
use std::io::Write as _;
use std::path::Path;
use std::process::Output;

use twnhi_account::id::check_digit;
use twnhi_store::registry::CSV_HEADER;

use common::twnhi;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `s` without terminal colour sequences (`ESC [ … m`).
fn plain(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// One valid row, distinct for every `i` (card number and ID number from `i`).
fn row(i: u64) -> String {
    let nine = format!("A1{:07}", i % 10_000_000);
    let check = check_digit(&nine).unwrap();
    format!("0000{i:08},{nine}{check},測試,1990-01-01,M,valid,F1234567,臺北市,中正區,建國里,5")
}

/// Writes a registry file of `n` rows, a row at a time (never the whole text in memory),
/// with `extra` appended.
fn write_registry(path: &Path, n: u64, extra: &str) {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(w, "{CSV_HEADER}").unwrap();
    for i in 0..n {
        writeln!(w, "{}", row(i)).unwrap();
    }
    w.write_all(extra.as_bytes()).unwrap();
    w.flush().unwrap();
}

/// Imports `file` into `db` with `--log info`; the output and the peak resident set size the
/// import reports (KiB).
fn import(file: &Path, db: &Path) -> (Output, Option<u64>) {
    let o = twnhi(&[
        "--log",
        "info",
        "admin",
        "registry",
        "import",
        "--db",
        db.to_str().unwrap(),
        file.to_str().unwrap(),
    ]);
    let err = plain(&text(&o.stderr));
    let peak = err
        .split("peak_rss_kib=")
        .nth(1)
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|d| d.parse().ok());
    (o, peak)
}

/// Twelve times the rows, about the same peak memory: the rows are never all held. (Before
/// the import streamed, the larger file cost over 100 MiB more than the smaller: its text,
/// every field as a string, and every person.)
#[test]
#[cfg(target_os = "linux")]
fn memory_does_not_grow_with_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut peaks = Vec::new();
    for n in [10_000u64, 120_000] {
        let file = dir.path().join(format!("{n}.csv"));
        write_registry(&file, n, "");
        let (o, peak) = import(&file, &dir.path().join(format!("{n}.sqlite3")));
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert!(
            text(&o.stdout).contains(&format!("{n} new, 0 updated")),
            "{}",
            text(&o.stdout)
        );
        peaks.push(peak.expect("the import reports its peak memory"));
    }
    let growth_kib = peaks[1].saturating_sub(peaks[0]);
    // 110,000 more rows of about 90 bytes each: held whole they would add well over 10 MiB
    // (the text alone); streamed, the checks keep 16 bytes a row (1.7 MiB).
    assert!(
        growth_kib < 8 * 1024,
        "peak memory {} KiB for 10,000 rows, {} KiB for 120,000",
        peaks[0],
        peaks[1]
    );
}

/// A bad row far into the file: reported with its line number in both languages, exit 2, and
/// nothing written (the check reads the whole file before the first write).
#[test]
fn a_bad_row_is_reported_by_line_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.csv");
    let bad = row(20_000).replacen("1990-01-01", "1990-13-01", 1);
    write_registry(&file, 20_000, &format!("{bad}\n{}\n", row(7)));
    let db = dir.path().join("t.sqlite3");
    let (o, _) = import(&file, &db);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    // The header is line 1, rows 0..20,000 are lines 2..20,001: the bad row is line 20,002,
    // and the repeated card of row 7 (line 9) is line 20,003.
    assert!(err.contains("line 20002, birth_date"), "{err}");
    assert!(err.contains("第 20002 行"), "{err}");
    assert!(err.contains("line 20003, card_number"), "{err}");
    assert!(
        err.contains("line 9"),
        "the first line of the repeated card: {err}"
    );
    assert!(err.contains("nothing was imported"), "{err}");
    assert!(!err.contains("A1"), "no personal data in the errors: {err}");
    // Nothing written: the registry is empty.
    let o = twnhi(&[
        "admin",
        "show",
        "--db",
        db.to_str().unwrap(),
        &row(1)[13..23],
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "not registered: {}",
        text(&o.stderr)
    );
}

/// The same file imported twice (as after a failure half-way): the second run writes every
/// row again and ends with the same registry.
#[test]
fn importing_again_completes_the_same_registry() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.csv");
    write_registry(&file, 2_500, "");
    let db = dir.path().join("t.sqlite3");
    let args = |batch: &'static str| {
        [
            "admin",
            "registry",
            "import",
            "--batch",
            batch,
            "--db",
            db.to_str().unwrap(),
            file.to_str().unwrap(),
        ]
        .map(str::to_owned)
    };
    let run = |a: [String; 8]| twnhi(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let o = run(args("1000"));
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("2500 new, 0 updated (2500 persons, 2500 cards"));
    let o = run(args("7"));
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("0 new, 2500 updated (2500 persons, 2500 cards"),
        "{}",
        text(&o.stdout)
    );
}
