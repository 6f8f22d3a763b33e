//! Runs the command/response fixture files in `tests/fixtures/` against the simulated card.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use twnhi_sim::{Faults, Identity, SimCard};

/// Expands `$AU rs` / `$CR rs` and hex-decodes one side of an exchange into byte patterns
/// (`None` = any byte).
fn expand(text: &str, rc: Option<[u8; 8]>) -> Vec<Option<u8>> {
    let key = Identity::sample().key();
    let card_no = Identity::sample().card_no;
    let mut out = Vec::new();
    let mut words = text.split_whitespace();
    while let Some(w) = words.next() {
        match w {
            "$AU" | "$CR" => {
                let rs: [u8; 16] = hex::decode(words.next().expect("rs after macro"))
                    .expect("rs hex")
                    .try_into()
                    .expect("rs is 16 bytes");
                // Before any challenge, build au for an all-zero rc (the card must refuse).
                let rc = rc.unwrap_or([0; 8]);
                let bytes: Vec<u8> = if w == "$AU" {
                    key.build_au(&rc, &rs).to_vec()
                } else {
                    key.card_mac(&rs, &rc, &card_no).to_vec()
                };
                out.extend(bytes.into_iter().map(Some));
            }
            ".." => out.push(None),
            hex_word => {
                let bytes =
                    hex::decode(hex_word).unwrap_or_else(|e| panic!("bad hex `{hex_word}`: {e}"));
                out.extend(bytes.into_iter().map(Some));
            }
        }
    }
    out
}

fn run_fixture(name: &str, text: &str) -> usize {
    let mut card: Option<SimCard> = None;
    let mut pending: Option<(usize, Vec<u8>)> = None;
    let mut last_challenge: Option<[u8; 8]> = None;
    let mut exchanges = 0;
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(mode) = line.strip_prefix("@mode ") {
            let faults = Faults::parse(mode).expect("mode");
            card = Some(SimCard::with_seed(Identity::sample(), faults, 42));
        } else if line == "@reset" {
            card.as_mut().expect("@mode first").reset();
            last_challenge = None;
        } else if let Some(cmd) = line.strip_prefix("> ") {
            assert!(pending.is_none(), "{name}:{line_no}: two commands in a row");
            let bytes: Vec<u8> = expand(cmd, last_challenge)
                .into_iter()
                .map(|b| b.expect("no wildcards in commands"))
                .collect();
            pending = Some((line_no, bytes));
        } else if let Some(expected) = line.strip_prefix("< ") {
            let (cmd_line, cmd) = pending.take().expect("response without command");
            let c = card.as_mut().expect("@mode first");
            let got = c.handle(&cmd);
            let want = expand(expected, last_challenge);
            let matches = got.len() == want.len()
                && got
                    .iter()
                    .zip(&want)
                    .all(|(g, w)| w.is_none_or(|w| w == *g));
            assert!(
                matches,
                "{name}:{cmd_line}: command {}\n  expected {expected}\n  got      {}",
                hex::encode_upper(&cmd),
                hex::encode_upper(&got)
            );
            // Remember the challenge for $AU/$CR: GET CHALLENGE or GET RESPONSE with 8 bytes.
            if got.len() == 10
                && got.ends_with(&[0x90, 0x00])
                && matches!(cmd.get(1), Some(0x84 | 0xC0))
            {
                last_challenge = got[..8].try_into().ok();
            }
            exchanges += 1;
        } else {
            panic!("{name}:{line_no}: cannot read `{line}`");
        }
    }
    assert!(
        pending.is_none(),
        "{name}: command without response at the end"
    );
    exchanges
}

#[test]
fn every_fixture_file_passes() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "apdu"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "fixture files missing");
    for f in files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&f).expect("read fixture");
        let n = run_fixture(&name, &text);
        assert!(n > 0, "{name} has no exchanges");
    }
}

#[test]
fn a_wrong_expectation_is_caught() {
    let bad =
        "@mode normal\n> 00 A4 04 00 10 D1 58 00 00 01 00 00 00 00 00 00 00 00 00 11 00\n< 6A 82\n";
    let r = std::panic::catch_unwind(|| run_fixture("inline", bad));
    assert!(r.is_err(), "the runner must fail on a mismatch");
}
