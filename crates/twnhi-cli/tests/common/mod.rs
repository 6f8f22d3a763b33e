//! What the test binaries share: running the `twnhi` binary of this build.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::ffi::OsStr;
use std::io::Write as _;
use std::process::{Command, Output, Stdio};

/// Runs `twnhi ARGS` with no stdin and without the environment that would change its
/// database or logging.
pub fn twnhi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_twnhi"))
        .args(args)
        .env_remove("TWNHI_LOG")
        .env_remove("TWNHI_DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Runs `twnhi ARGS` with `env` added and `stdin` on its standard input, without the
/// environment that would change its logging or its PKCS#11 module.
pub fn twnhi_stdin(args: &[&str], env: &[(&str, &OsStr)], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_twnhi"))
        .args(args)
        .env_remove("TWNHI_LOG")
        .env_remove("TWNHI_PKCS11_MODULE")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn twnhi");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// The standard output of a command that must have succeeded.
pub fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The database name at the end of a PostgreSQL URL.
pub fn db_name(url: &str) -> &str {
    url.rsplit('/')
        .next()
        .unwrap_or_default()
        .split('?')
        .next()
        .unwrap_or_default()
}
