//! The mobile app's side of 行動裝置認證 (SPEC §4.3): binds this "device" to a registration with
//! the device verification code shown on the site, then logs in with the ID number, the
//! registration password and the device's one-time password, and lists the account's
//! devices — against a running site (`twnhi demo` or `twnhi serve`).
//!
//! ```text
//! $ cargo run --example mobile_app -- http://127.0.0.1:8080/ F258966508 Pm70xLR6
//! 註冊密碼 Registration password: ********
//! 行動裝置認證成功 / The mobile device has been verified.  (device twnhi-example-…)
//! 登入成功 / Logged in: token valid until 2026-11-27T07:29:09Z
//! 平台 Platform  裝置型號 Device  裝置識別碼 Device ID No.      目前狀態 Status
//! Android        Pixel 8          XXXXX-XXXXXXX-XXXXXXXXX1234  active (this device)
//! ```
//!
//! The password is read from standard input (one line) so that it stays out of the shell's
//! history; `TWNHI_DEVICE_ID`, `TWNHI_PLATFORM` and `TWNHI_MODEL` override the device's
//! identity.

use std::io::BufRead as _;
use std::process::ExitCode;

use twnhi_web::api::{BindRequest, LoginRequest};
use twnhi_web::client::{AppClient, ClientError, totp_now};

#[allow(clippy::print_stdout, clippy::print_stderr)]
fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [site, id_number, code] = args.as_slice() else {
        eprintln!("用法 usage: mobile_app SITE-URL ID-NUMBER DEVICE-CODE   (password on stdin)");
        return ExitCode::from(2);
    };
    eprint!("註冊密碼 Registration password: ");
    let mut password = String::new();
    if std::io::stdin().lock().read_line(&mut password).is_err() {
        eprintln!("錯誤 error: 無法讀取密碼 / cannot read the password");
        return ExitCode::from(2);
    }
    let password = password.trim_end_matches(['\r', '\n']).to_owned();
    let device_id = std::env::var("TWNHI_DEVICE_ID").unwrap_or_else(|_| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        format!("twnhi-example-{nanos:x}")
    });
    let platform = std::env::var("TWNHI_PLATFORM").unwrap_or_else(|_| "Android".to_owned());
    let model = std::env::var("TWNHI_MODEL").unwrap_or_else(|_| "Pixel 8".to_owned());
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("錯誤 error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let run = async {
        let app = AppClient::new(site)?;
        let bound = app
            .bind(&BindRequest {
                id_number: id_number.clone(),
                code: code.clone(),
                platform,
                model,
                device_id,
            })
            .await?;
        println!(
            "{} / {}  (device {})",
            bound.message.zh, bound.message.en, bound.device_id
        );
        let login = app
            .login(&LoginRequest {
                id_number: id_number.clone(),
                password,
                device_id: bound.device_id.clone(),
                totp: totp_now(&bound.totp)?,
            })
            .await?;
        println!(
            "登入成功 / Logged in: token valid until {}",
            login.expires_at.to_rfc3339()
        );
        let list = app.devices(&login.access_token).await?;
        println!("平台 Platform  裝置型號 Device  裝置識別碼 Device ID No.  目前狀態 Status");
        for d in list.devices {
            println!(
                "{:<14} {:<16} {:<28} {}{}",
                d.platform,
                d.model,
                d.device_id_masked,
                d.state,
                if d.this_device { " (this device)" } else { "" }
            );
        }
        Ok::<(), ClientError>(())
    };
    match runtime.block_on(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("錯誤 error: {e}");
            ExitCode::FAILURE
        }
    }
}
