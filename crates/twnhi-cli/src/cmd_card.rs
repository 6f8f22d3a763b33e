//! `twnhi card …`: readers, read, watch, decode, sim.

use crate::exit;
use crate::texts;
use chrono::Datelike;
use clap::{Args, Subcommand};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use twnhi_card::roc::roc_year;
use twnhi_card::{BasicData, CardError, Sex, TransportError};
use twnhi_pcsc::Pcsc;
use twnhi_sim::{Faults, Identity, SimCard, vpcd};

#[derive(Subcommand, Debug)]
pub enum CardCommand {
    /// List the card readers PC/SC knows, with the card in each.
    Readers(ReadersArgs),
    /// Read the basic data of the NHI card in a reader.
    ///
    /// Its long help, with examples, is in the catalog (`cli-help.ftl`).
    Read(ReadArgs),
    /// Watch readers and cards being added and removed, until Ctrl-C.
    Watch(WatchArgs),
    /// Decode a basic-data response given in hex (57 bytes, or 59 ending in 90 00).
    ///
    /// Its long help, with examples, is in the catalog (`cli-help.ftl`).
    Decode(DecodeArgs),
    /// Attach a simulated NHI card to vsmartcard-vpcd until Ctrl-C.
    ///
    /// Its long help, with examples, is in the catalog (`cli-help.ftl`).
    Sim(SimArgs),
}

#[derive(Args, Debug)]
pub struct ReadersArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
pub struct ReadArgs {
    /// Reader to use (default: the first reader holding a card, NHI cards first).
    #[arg(long, env = "TWNHI_READER")]
    reader: Option<String>,
    /// Wait up to SECS seconds for a card to be inserted (0 = do not wait).
    #[arg(long, value_name = "SECS", default_value_t = 0)]
    wait: u64,
    /// Print JSON (fields card_no, name, name_lossy, id_no, birth_date, sex, issue_date,
    /// reader).
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
pub struct WatchArgs {
    /// Print one JSON object per line.
    #[arg(long)]
    json: bool,
    /// Stop after this many events (default: run until interrupted).
    #[arg(long, value_name = "N")]
    max_events: Option<usize>,
}

#[derive(Args, Debug)]
pub struct DecodeArgs {
    /// The response in hex; spaces allowed (quote it).
    hex: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
pub struct SimArgs {
    /// vpcd address of the virtual reader (35963 = "Virtual PCD 00 00", 35964 = "… 00 01").
    #[arg(long, value_name = "HOST:PORT", env = "TWNHI_VPCD", default_value = vpcd::DEFAULT_ADDR)]
    vpcd: String,
    /// Identity file (JSON) of the card holder; default: a built-in synthetic person.
    #[arg(long, value_name = "FILE")]
    identity: Option<PathBuf>,
    /// Fault modes, comma-separated (see above).
    #[arg(long, value_name = "MODE", default_value = "normal")]
    mode: Faults,
}

pub fn run(cmd: &CardCommand) -> ExitCode {
    match cmd {
        CardCommand::Readers(a) => readers(a),
        CardCommand::Read(a) => read(a),
        CardCommand::Watch(a) => watch(a),
        CardCommand::Decode(a) => decode(a),
        CardCommand::Sim(a) => sim(a),
    }
}

/// Writes a line to stdout; a closed pipe (`| head`) ends quietly.
fn out(line: &str) {
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{line}")
        .and_then(|()| stdout.flush())
        .is_err()
    {
        std::process::exit(0);
    }
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

fn readers(args: &ReadersArgs) -> ExitCode {
    let list = match Pcsc::establish().and_then(|p| p.readers()) {
        Ok(l) => l,
        Err(e) => return exit::card_error(&e),
    };
    if args.json {
        out(&json(&list));
        return ExitCode::SUCCESS;
    }
    if list.is_empty() {
        out(&texts::both("cli-card-no-reader"));
        return ExitCode::SUCCESS;
    }
    for r in &list {
        let card = texts::pair(if !r.card_present {
            "cli-card-no-card"
        } else {
            match r.card_kind {
                twnhi_card::atr::CardKind::Nhi { .. } => "cli-card-nhi-card",
                twnhi_card::atr::CardKind::HealthProfessional => "cli-card-professional-card",
                _ => "cli-card-other-card",
            }
        });
        let atr = r.atr.as_deref().map(hex_spaced).unwrap_or_default();
        out(&format!("{}\t{card}\t{atr}", r.name));
    }
    ExitCode::SUCCESS
}

fn hex_spaced(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Serialize)]
struct ReadOutput<'a> {
    #[serde(flatten)]
    data: &'a BasicData,
    #[serde(skip_serializing_if = "Option::is_none")]
    reader: Option<&'a str>,
}

fn read(args: &ReadArgs) -> ExitCode {
    let pcsc = match Pcsc::establish() {
        Ok(p) => p,
        Err(e) => return exit::card_error(&e),
    };
    let mut reader = args.reader.clone();
    if args.wait > 0 {
        let spinner = (!args.json).then(|| {
            let s = indicatif::ProgressBar::new_spinner();
            s.set_message(texts::both("cli-card-waiting"));
            s.enable_steady_tick(Duration::from_millis(100));
            s
        });
        let waited = pcsc.wait_for_card(reader.as_deref(), Duration::from_secs(args.wait));
        if let Some(s) = spinner {
            s.finish_and_clear();
        }
        match waited {
            Ok(r) => reader = Some(r),
            Err(e) => return exit::card_error(&e),
        }
    }
    match pcsc.read_basic(reader.as_deref()) {
        Ok((reader, data)) => {
            print_basic(&data, Some(&reader), args.json);
            ExitCode::SUCCESS
        }
        Err(e) => exit::card_error(&e),
    }
}

fn print_basic(data: &BasicData, reader: Option<&str>, as_json: bool) {
    if as_json {
        out(&json(&ReadOutput { data, reader }));
        return;
    }
    let roc = |d: chrono::NaiveDate| {
        texts::zh_with(
            "cli-card-roc-date",
            &[
                ("date", d.to_string().into()),
                ("year", roc_year(d).to_string().into()),
                ("month", d.month().to_string().into()),
                ("day", d.day().to_string().into()),
            ],
        )
    };
    // Two columns of labels, zh-TW then English: the values start at column 20.
    let label = |id: &str| {
        format!(
            "{} {}",
            texts::pad(&texts::zh(id), 8),
            texts::pad(&texts::en(id), 10)
        )
    };
    if let Some(r) = reader {
        out(&format!("{} {r}", label("cli-card-reader")));
    }
    out(&format!("{} {}", label("cli-card-card-no"), data.card_no));
    let lossy = if data.name_lossy {
        texts::zh_with(
            "cli-card-note",
            &[("note", texts::both("cli-card-name-lossy").into())],
        )
    } else {
        String::new()
    };
    out(&format!("{} {}{lossy}", label("cli-card-name"), data.name));
    out(&format!("{} {}", label("cli-card-id-no"), data.id_no));
    out(&format!(
        "{} {}",
        label("cli-card-birth-date"),
        roc(data.birth_date)
    ));
    let sex = texts::pair(match data.sex {
        Sex::Male => "cli-card-male",
        Sex::Female => "cli-card-female",
    });
    out(&format!("{} {sex}", label("cli-card-sex")));
    out(&format!(
        "{} {}",
        label("cli-card-issue-date"),
        roc(data.issue_date)
    ));
}

fn watch(args: &WatchArgs) -> ExitCode {
    let mut seen = 0usize;
    let mut warned = false;
    loop {
        let mut watcher = match Pcsc::establish().and_then(|p| p.watcher()) {
            Ok(w) => w,
            Err(e) => {
                if !matches!(e, CardError::Transport(TransportError::ServiceUnavailable)) {
                    return exit::card_error(&e);
                }
                if !warned {
                    tracing::warn!("PC/SC service not running; waiting for it");
                    #[allow(clippy::print_stderr)]
                    {
                        eprintln!(
                            "{}: {e}{}",
                            texts::pair("cli-note"),
                            texts::zh_with(
                                "cli-card-note",
                                &[("note", texts::both("cli-card-waiting-service").into())]
                            )
                        );
                    }
                    warned = true;
                }
                std::thread::sleep(Duration::from_secs(1));
                continue;
            }
        };
        warned = false;
        loop {
            match watcher.next_events(Duration::from_secs(1)) {
                Ok(events) => {
                    for ev in events {
                        if args.json {
                            out(&json(&ev));
                        } else {
                            out(&describe_event(&ev));
                        }
                        seen += 1;
                        if args.max_events.is_some_and(|m| seen >= m) {
                            return ExitCode::SUCCESS;
                        }
                    }
                }
                Err(CardError::Transport(TransportError::ServiceUnavailable)) => break,
                Err(e) => return exit::card_error(&e),
            }
        }
    }
}

fn describe_event(ev: &twnhi_pcsc::Event) -> String {
    let now = chrono::Local::now().format("%H:%M:%S");
    match ev {
        twnhi_pcsc::Event::ReaderAdded { reader } => {
            format!("{now} {}: {reader}", texts::pair("cli-card-reader-added"))
        }
        twnhi_pcsc::Event::ReaderRemoved { reader } => {
            format!("{now} {}: {reader}", texts::pair("cli-card-reader-removed"))
        }
        twnhi_pcsc::Event::CardInserted {
            reader, card_kind, ..
        } => {
            let kind = texts::pair(
                if matches!(card_kind, twnhi_card::atr::CardKind::Nhi { .. }) {
                    "cli-card-nhi-card"
                } else {
                    "cli-card-other-card"
                },
            );
            format!(
                "{now} {}: {reader} ({kind})",
                texts::pair("cli-card-inserted")
            )
        }
        twnhi_pcsc::Event::CardRemoved { reader } => {
            format!("{now} {}: {reader}", texts::pair("cli-card-removed"))
        }
        #[allow(unreachable_patterns)]
        other => format!("{now} {other:?}"),
    }
}

/// Parses `HEX` as a basic-data response: 57 bytes, or 59 ending in `90 00`.
fn decode_hex(text: &str) -> Result<Vec<u8>, String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = hex::decode(&compact)
        .map_err(|e| texts::both_with("cli-card-bad-hex", &[("error", e.to_string().into())]))?;
    match bytes.len() {
        57 => Ok(bytes),
        59 if bytes.ends_with(&[0x90, 0x00]) => Ok(bytes[..57].to_vec()),
        59 => Err(texts::both_with(
            "cli-card-bad-status",
            &[("sw", format!("{:02X} {:02X}", bytes[57], bytes[58]).into())],
        )),
        n => Err(texts::both_with(
            "cli-card-bad-length",
            &[("n", n.to_string().into())],
        )),
    }
}

fn decode(args: &DecodeArgs) -> ExitCode {
    let raw = match decode_hex(&args.hex) {
        Ok(r) => r,
        Err(msg) => return exit::report(exit::USAGE, msg),
    };
    match BasicData::parse(&raw) {
        Ok(data) => {
            print_basic(&data, None, args.json);
            ExitCode::SUCCESS
        }
        Err(e) => exit::report(exit::USAGE, e),
    }
}

fn sim(args: &SimArgs) -> ExitCode {
    let identity = match &args.identity {
        None => Identity::sample(),
        Some(path) => {
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => {
                    return exit::report(
                        exit::USAGE,
                        texts::both_with(
                            "cli-cannot-read-identity",
                            &[
                                ("path", path.display().to_string().into()),
                                ("error", e.to_string().into()),
                            ],
                        ),
                    );
                }
            };
            match Identity::from_json(&text) {
                Ok(i) => i,
                Err(e) => return exit::report(exit::USAGE, e),
            }
        }
    };
    let name = identity.name.clone();
    let card = SimCard::new(identity, args.mode.clone());
    let attached = match vpcd::attach(&args.vpcd, card, vpcd::Reconnect::Yes) {
        Ok(a) => a,
        Err(e) => {
            return exit::report(
                exit::ENVIRONMENT,
                texts::both_with(
                    "cli-card-no-vpcd",
                    &[
                        ("vpcd", args.vpcd.as_str().into()),
                        ("error", e.to_string().into()),
                    ],
                ),
            );
        }
    };
    #[allow(clippy::print_stderr)]
    {
        eprintln!(
            "{} {}",
            texts::both_with(
                "cli-card-sim-inserted",
                &[
                    ("name", name.as_str().into()),
                    ("mode", args.mode.to_string().into()),
                    ("vpcd", args.vpcd.as_str().into()),
                ],
            ),
            texts::both("cli-card-sim-remove")
        );
    }
    // Returns when the card leaves by itself (remove-after fault); Ctrl-C ends the process,
    // which closes the socket: vpcd then reports the card removed.
    let card = attached.wait();
    #[allow(clippy::print_stderr)]
    {
        let count = card.as_ref().map_or(0, SimCard::commands_answered);
        eprintln!(
            "{}",
            texts::both_with(
                "cli-card-sim-removed",
                &[("count", count.to_string().into())]
            )
        );
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_hex_accepts_57_or_59_with_9000() {
        let b57 = "00".repeat(57);
        assert_eq!(decode_hex(&b57).unwrap().len(), 57);
        let spaced = format!("{} 90 00", "AB ".repeat(57));
        assert_eq!(decode_hex(&spaced).unwrap(), vec![0xAB; 57]);
        assert!(decode_hex(&format!("{}6A82", "00".repeat(57))).is_err());
        assert!(decode_hex("00 11").is_err());
        assert!(decode_hex("zz").is_err());
    }
}
