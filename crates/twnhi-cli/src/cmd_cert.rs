//! `twnhi cert …`: citizen digital certificates.

use crate::cmd_cert_verify;
use clap::Subcommand;
use std::process::ExitCode;

/// The `cert` subcommands. Their help is in the catalog (`cli-help.ftl`).
#[derive(Subcommand, Debug)]
pub enum CertCommand {
    /// Verify a certificate: chain to trusted roots, validity, key usage, revocation.
    Verify(cmd_cert_verify::VerifyArgs),
}

pub fn run(cmd: &CertCommand) -> ExitCode {
    match cmd {
        CertCommand::Verify(a) => cmd_cert_verify::run(a),
    }
}
