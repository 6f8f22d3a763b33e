//! `twnhi generate man DIR` / `twnhi generate completions DIR` (hidden): the man pages and
//! shell completions the Linux packages ship, written from the same command tree — with the
//! help from the catalog — that `twnhi --help` prints. `scripts/test-packages` and the release
//! workflow run them before building a package.

use crate::exit;
use crate::texts;
use clap::{Args, Command, CommandFactory, Subcommand};
use clap_complete::Shell;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum GenerateCommand {
    /// Write the man pages (twnhi.1 and one per subcommand).
    Man(DirArgs),
    /// Write the completions for bash, zsh and fish.
    Completions(DirArgs),
}

#[derive(Args, Debug)]
pub struct DirArgs {
    /// Directory to write into (created if missing).
    dir: PathBuf,
}

/// The command tree as `twnhi --help` shows it.
fn command() -> Command {
    crate::help::localized(crate::Cli::command())
}

pub fn run(cmd: &GenerateCommand) -> ExitCode {
    let (dir, result) = match cmd {
        GenerateCommand::Man(a) => (&a.dir, man(&a.dir)),
        GenerateCommand::Completions(a) => (&a.dir, completions(&a.dir)),
    };
    match result {
        Ok(count) => {
            #[allow(clippy::print_stderr)]
            {
                eprintln!(
                    "{}",
                    texts::both_with(
                        "cli-generate-wrote",
                        &[
                            ("count", count.into()),
                            ("dir", dir.display().to_string().into())
                        ]
                    )
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => exit::report(1, format!("{}: {e}", dir.display())),
    }
}

/// The man pages of `twnhi` and of every visible subcommand (`twnhi-bridge.1`, …).
fn man(dir: &Path) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    // One page per command, named after it (`twnhi-bridge-cert.1`).
    clap_mangen::generate_to(command(), dir)?;
    Ok(std::fs::read_dir(dir)?.count())
}

/// bash, zsh and fish completions.
fn completions(dir: &Path) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let mut cmd = command();
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        clap_complete::generate_to(shell, &mut cmd, "twnhi", dir)?;
    }
    Ok(3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn man_pages_for_every_visible_command_and_no_hidden_one() {
        let dir = tempfile::tempdir().unwrap();
        let n = man(dir.path()).unwrap();
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(n, names.len());
        for page in [
            "twnhi.1",
            "twnhi-bridge.1",
            "twnhi-bridge-cert.1",
            "twnhi-card-read.1",
        ] {
            assert!(names.iter().any(|n| n == page), "{page} in {names:?}");
        }
        assert!(
            !names.iter().any(|n| n.starts_with("twnhi-generate")),
            "{names:?}"
        );
        let bridge = std::fs::read_to_string(dir.path().join("twnhi-bridge.1")).unwrap();
        assert!(bridge.contains("allow\\-origin"), "the options are listed");
    }

    #[test]
    fn completions_for_three_shells() {
        let dir = tempfile::tempdir().unwrap();
        completions(dir.path()).unwrap();
        let bash = std::fs::read_to_string(dir.path().join("twnhi.bash")).unwrap();
        assert!(bash.contains("bridge") && bash.contains("--allow-origin"));
        assert!(dir.path().join("_twnhi").is_file());
        assert!(dir.path().join("twnhi.fish").is_file());
    }
}
