//! `twnhi id check` and `twnhi password check`: thin commands over `twnhi-account`.
//!
//! `id check` prints one tab-separated line per ID: the ID, its kind (`national`,
//! `resident-new`, `resident-old` or `unknown`), the sex (`male`, `female` or `-`) and
//! `valid` or `invalid: <reason>`.
//!
//! ```text
//! $ twnhi id check A123456789 A123456780
//! A123456789    national    male    valid
//! A123456780    national    -    invalid: 身分證號(居留證號)檢查碼錯誤，請確認後重新輸入。 / The check digit of the ID number is wrong. Please check the number.
//! $ echo 'Tw#2024nhi' | twnhi password check --json
//! {"label_en":"Strong","label_zh":"強","level":4,"strength":"strong","valid":true,"violations":[]}
//! ```

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use serde_json::json;
use twnhi_account::password::{PersonalData, check_password};
use twnhi_account::{CardNumber, IdKind, IdNumber, Localized, Msg, Password, RocDate};

/// Arguments of `twnhi id check`.
#[derive(clap::Args, Debug)]
pub struct IdCheckArgs {
    /// ID numbers to check: national ID numbers or resident certificate numbers (new or old
    /// format).
    #[arg(value_name = "ID", required = true)]
    pub ids: Vec<String>,

    /// Print one JSON object per line instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `twnhi password check` (the password is read from one line of stdin, never
/// from the command line).
#[derive(clap::Args, Debug)]
pub struct PasswordCheckArgs {
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,

    /// The person's ID number: the password must not contain it.
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,

    /// The person's NHI card number (12 digits): the password must not contain it.
    #[arg(long = "card-no", value_name = "CARD_NO")]
    pub card_no: Option<String>,

    /// The person's birth date (YYYY-MM-DD, YYYY/MM/DD, ROC YYYMMDD or the ROC date in words): the
    /// password must not contain it.
    #[arg(long, value_name = "DATE")]
    pub birth: Option<String>,
}

fn msg_json(m: Msg) -> serde_json::Value {
    json!({ "code": m.key(), "zh": m.zh(), "en": m.en() })
}

/// Checks each ID number; prints one line (or JSON object) per ID to stdout.
/// Exit status 0 when all are valid, 1 otherwise.
pub fn id_check(args: &IdCheckArgs) -> ExitCode {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut all_valid = true;
    for input in &args.ids {
        let parsed = IdNumber::parse(input);
        all_valid &= parsed.is_ok();
        let written = match (&parsed, args.json) {
            (Ok(id), false) => writeln!(
                out,
                "{}\t{}\t{}\tvalid",
                id,
                id.kind(),
                id.sex().map_or("-", |s| s.as_str())
            ),
            (Err(e), false) => writeln!(
                out,
                "{}\t{}\t-\tinvalid: {}",
                input.trim().escape_debug(),
                IdKind::detect(input).map_or("unknown", IdKind::as_str),
                e
            ),
            (Ok(id), true) => writeln!(
                out,
                "{}",
                json!({
                    "input": input,
                    "id": id.as_str(),
                    "valid": true,
                    "kind": id.kind().as_str(),
                    "sex": id.sex().map(|s| s.as_str()),
                })
            ),
            (Err(e), true) => writeln!(
                out,
                "{}",
                json!({
                    "input": input,
                    "id": null,
                    "valid": false,
                    "kind": IdKind::detect(input).map(IdKind::as_str),
                    "sex": null,
                    "error": msg_json(e.msg()),
                })
            ),
        };
        if written.is_err() {
            return ExitCode::FAILURE;
        }
    }
    if out.flush().is_err() {
        return ExitCode::FAILURE;
    }
    if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Reads one password line from stdin (without its line ending) and prints its strength and
/// every broken rule. Exit status 0 when the password is acceptable, 1 when it breaks a rule,
/// 2 when the input or the options cannot be used.
pub fn password_check(args: &PasswordCheckArgs) -> ExitCode {
    let usage_error = |m: String| {
        let _ = writeln!(io::stderr(), "twnhi password check: {m}");
        ExitCode::from(2)
    };

    let id = match args.id.as_deref().map(IdNumber::parse).transpose() {
        Ok(id) => id,
        Err(e) => return usage_error(format!("--id: {e}")),
    };
    let card = match args.card_no.as_deref().map(CardNumber::parse).transpose() {
        Ok(c) => c,
        Err(e) => return usage_error(format!("--card-no: {e}")),
    };
    let birth = match args.birth.as_deref().map(parse_birth).transpose() {
        Ok(b) => b,
        Err(e) => return usage_error(format!("--birth: {e}")),
    };

    // Read into a buffer that is wiped on drop whatever happens next (pre-sized so that
    // growing it rarely leaves copies behind).
    let mut buf = String::with_capacity(256);
    let read = io::stdin().lock().read_line(&mut buf);
    let raw = Password::new(buf);
    match read {
        Ok(0) => return usage_error("no password on standard input".to_owned()),
        Ok(_) => {}
        Err(e) => return usage_error(format!("cannot read standard input: {e}")),
    }
    let line = Password::from(raw.expose().trim_end_matches(['\n', '\r']));
    drop(raw);
    let password = line.expose();

    let personal = PersonalData {
        id_number: id.as_ref(),
        card_number: card.as_ref(),
        birth_date: birth.map(RocDate::to_naive),
    };
    let check = check_password(password, None, &personal);
    let strength = check.strength;

    let stdout = io::stdout();
    let mut out = stdout.lock();
    let written = if args.json {
        let violations: Vec<_> = check
            .violations
            .iter()
            .map(|v| {
                let m = v.msg();
                json!({ "code": v.as_str(), "message": m.key(), "zh": m.zh(), "en": m.en() })
            })
            .collect();
        writeln!(
            out,
            "{}",
            json!({
                "strength": strength.as_str(),
                "level": strength.level(),
                "label_zh": strength.msg().zh(),
                "label_en": strength.msg().en(),
                "valid": check.is_ok(),
                "violations": violations,
            })
        )
    } else {
        let mut text = format!("strength: {strength} ({}/4)\n", strength.level());
        if check.is_ok() {
            text.push_str("ok\n");
        } else {
            text.push_str("violations:\n");
            for v in &check.violations {
                text.push_str(&format!("- {v}\n"));
            }
        }
        out.write_all(text.as_bytes())
    };
    drop(line);
    if written.and_then(|()| out.flush()).is_err() {
        return ExitCode::FAILURE;
    }
    if check.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// A birth date in Gregorian (`1980-01-01`, `1980/01/01`) or ROC form.
fn parse_birth(s: &str) -> Result<RocDate, twnhi_account::RocError> {
    let gregorian = s
        .trim()
        .split(['-', '/'])
        .next()
        .is_some_and(|y| y.len() == 4);
    if gregorian {
        RocDate::parse_english(s)
    } else {
        RocDate::parse(s)
    }
}
