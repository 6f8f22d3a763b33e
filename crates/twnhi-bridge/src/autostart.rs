//! Starting the bridge by itself when a user logs in, on each operating system.
//!
//! | OS | mechanism | where |
//! |---|---|---|
//! | Linux | a systemd **user** unit | `$XDG_CONFIG_HOME/systemd/user/twnhi-bridge.service` (the packages ship it in `/usr/lib/systemd/user/`, enabled for every user) |
//! | macOS | a launchd **LaunchAgent** | `~/Library/LaunchAgents/io.github.twnhi.bridge.plist` (the `.pkg` puts it in `/Library/LaunchAgents/`, for every user) |
//! | Windows | a value under the per-user **Run** key | `HKCU\Software\Microsoft\Windows\CurrentVersion\Run`, value `twnhi bridge` (the `.msi` writes it under `HKLM`, for every user) |
//!
//! Why a Run entry on Windows rather than a service (`windows-service`) or a scheduled task:
//! the bridge must run as the person at the keyboard — it serves that person's browser on
//! loopback, and on a PC shared by several people each session needs its own — and it needs
//! no administrator rights. A service runs in session 0 as another account, for every user at
//! once; a scheduled task does what a Run entry does with an XML definition and the Task
//! Scheduler service in between. A Run entry is a single registry value the user can see and
//! remove in Task Manager's "Startup apps".
//!
//! Everything here but [`apply`] is pure: the text of the unit and of the plist, the path
//! they go to and the commands to run, for any [`Platform`] whatever the one compiled for, so
//! that the Windows and macOS logic is checked by unit tests on Linux. [`apply`] writes the
//! file and runs the commands (`systemctl`, `launchctl`, `reg`); those programs are the
//! platform's own.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use thiserror::Error;
use twnhi_texts::joined;

/// The systemd user unit's file name.
pub const UNIT_NAME: &str = "twnhi-bridge.service";
/// The LaunchAgent's label (and its file name, with `.plist`).
pub const LAUNCH_AGENT_LABEL: &str = "io.github.twnhi.bridge";
/// The name of the value under the Windows Run key.
pub const RUN_VALUE_NAME: &str = "twnhi bridge";
/// The per-user Run key (`reg.exe` notation).
pub const RUN_KEY: &str = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Run";
/// Where the Linux packages install the unit (enabled for every user).
pub const PACKAGED_UNIT: &str = "/usr/lib/systemd/user/twnhi-bridge.service";

/// An operating system the bridge can start by itself on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Platform {
    /// Linux (and other systemd systems): a systemd user unit.
    Linux,
    /// macOS: a LaunchAgent.
    MacOs,
    /// Windows: a Run entry.
    Windows,
}

impl Platform {
    /// The platform this program was built for (`None` where no mechanism is known).
    pub const fn current() -> Option<Platform> {
        if cfg!(windows) {
            Some(Platform::Windows)
        } else if cfg!(target_os = "macos") {
            Some(Platform::MacOs)
        } else if cfg!(target_os = "linux") {
            Some(Platform::Linux)
        } else {
            None
        }
    }
}

/// What the user's environment says about where things go.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserDirs {
    /// The home directory (`HOME`; on Windows `USERPROFILE`).
    pub home: Option<PathBuf>,
    /// `XDG_CONFIG_HOME` when set to an absolute path.
    pub config_home: Option<PathBuf>,
}

impl UserDirs {
    /// From the process environment.
    pub fn from_env() -> UserDirs {
        let var = |name: &str| {
            std::env::var_os(name)
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
        };
        UserDirs {
            home: var("HOME").or_else(|| var("USERPROFILE")),
            config_home: var("XDG_CONFIG_HOME"),
        }
    }
}

/// A program and its arguments.
pub type CommandLine = Vec<OsString>;

/// What turning autostart on or off takes on one platform: at most one file, then commands.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Plan {
    /// The platform.
    pub platform: Platform,
    /// The file to write (on) or remove (off), with its contents; `None` when the platform
    /// needs none (Windows) or the package already installed one (Linux).
    pub file: Option<(PathBuf, String)>,
    /// The commands to run to turn it on, in order.
    pub enable: Vec<CommandLine>,
    /// The commands to run to turn it off, in order (before the file is removed).
    pub disable: Vec<CommandLine>,
}

/// Why autostart could not be planned or applied.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum AutostartError {
    /// No home directory is known (`HOME` unset).
    #[error("{}", joined("bridge-autostart-no-home", &[], " / "))]
    NoHome,
    /// The file could not be written or removed.
    #[error("{}", joined("bridge-autostart-file", &[("path", path.display().to_string().into()), ("source", source.to_string().into())], "/ "))]
    File {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A command could not be started or failed.
    #[error("{}", joined("bridge-autostart-command", &[("command", command.into()), ("detail", detail.into())], "/ "))]
    Command {
        /// The command line, for the message.
        command: String,
        /// Its exit status and what it said on stderr, or why it could not start.
        detail: String,
    },
}

/// The systemd user unit that runs `exe bridge`.
///
/// `packaging/systemd/twnhi-bridge.service` is this text for `/usr/bin/twnhi` (a test checks
/// they agree), with comments.
pub fn systemd_unit(exe: &Path) -> String {
    format!(
        "[Unit]
Description=twnhi bridge: local NHI card component
Documentation=man:twnhi(1) https://github.com/twnhi/twnhi/blob/main/docs/bridge.md

[Service]
Type=exec
ExecStart={} bridge
Environment=TWNHI_LOG=info
Restart=on-failure
RestartSec=2
KillSignal=SIGTERM
TimeoutStopSec=10
NoNewPrivileges=yes
LockPersonality=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
MemoryDenyWriteExecute=yes
SystemCallArchitectures=native
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6
UMask=0077

[Install]
WantedBy=default.target
",
        systemd_quote(exe)
    )
}

/// `path` as one word of a systemd command line: as is when it needs no quoting, else in
/// double quotes with `\`, `"` escaped; `%` (a specifier) doubled either way.
fn systemd_quote(path: &Path) -> String {
    let s = path.to_string_lossy().replace('%', "%%");
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+%".contains(c))
    {
        s
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// The LaunchAgent property list that runs `exe bridge` at login and again if it fails.
pub fn launch_agent_plist(exe: &Path) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>{LAUNCH_AGENT_LABEL}</string>
  <key>ProgramArguments</key>
  <array>
    <string>{}</string>
    <string>bridge</string>
  </array>
  <key>EnvironmentVariables</key>
  <dict>
    <key>TWNHI_LOG</key>
    <string>info</string>
  </dict>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <dict>
    <key>SuccessfulExit</key>
    <false/>
  </dict>
  <key>ThrottleInterval</key>
  <integer>2</integer>
  <key>ProcessType</key>
  <string>Interactive</string>
  <key>LimitLoadToSessionType</key>
  <string>Aqua</string>
</dict>
</plist>
"#,
        xml_escape(&exe.to_string_lossy())
    )
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The command line of the Run entry: `exe` quoted, then `bridge`. twnhi.exe is a console
/// program; `conhost.exe --headless` runs it without opening a console window.
pub fn windows_run_command(exe: &Path) -> String {
    format!(
        "conhost.exe --headless \"{}\" bridge",
        exe.to_string_lossy()
    )
}

/// Where the per-user file goes on `platform` (`None` on Windows: the registry).
///
/// # Errors
/// [`AutostartError::NoHome`] when the platform needs a home directory and none is known.
pub fn user_file(platform: Platform, dirs: &UserDirs) -> Result<Option<PathBuf>, AutostartError> {
    let home = || dirs.home.clone().ok_or(AutostartError::NoHome);
    Ok(match platform {
        Platform::Linux => Some(
            dirs.config_home
                .clone()
                .map_or_else(|| home().map(|h| h.join(".config")), Ok)?
                .join("systemd/user")
                .join(UNIT_NAME),
        ),
        Platform::MacOs => Some(
            home()?
                .join("Library/LaunchAgents")
                .join(format!("{LAUNCH_AGENT_LABEL}.plist")),
        ),
        Platform::Windows => None,
    })
}

fn line<I, S>(args: I) -> CommandLine
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    args.into_iter().map(Into::into).collect()
}

/// The plan for `exe` on `platform`. On Linux, when the package's unit is installed
/// (`packaged_unit`), no file is written: the user's manager enables the packaged unit.
///
/// # Errors
/// [`AutostartError::NoHome`], see [`user_file`].
pub fn plan(
    platform: Platform,
    exe: &Path,
    dirs: &UserDirs,
    packaged_unit: bool,
) -> Result<Plan, AutostartError> {
    Ok(match platform {
        Platform::Linux => {
            let file = if packaged_unit {
                None
            } else {
                user_file(platform, dirs)?.map(|p| (p, systemd_unit(exe)))
            };
            let mut enable = Vec::new();
            if file.is_some() {
                enable.push(line(["systemctl", "--user", "daemon-reload"]));
            }
            enable.push(line(["systemctl", "--user", "enable", "--now", UNIT_NAME]));
            Plan {
                platform,
                file,
                enable,
                disable: vec![line(["systemctl", "--user", "disable", "--now", UNIT_NAME])],
            }
        }
        Platform::MacOs => {
            let path = user_file(platform, dirs)?.ok_or(AutostartError::NoHome)?;
            let target = path.to_string_lossy().into_owned();
            Plan {
                platform,
                file: Some((path, launch_agent_plist(exe))),
                // `gui/$UID`: launchctl takes the domain from the caller with `load -w`,
                // which every macOS version still accepts.
                enable: vec![line(["launchctl", "load", "-w", target.as_str()])],
                disable: vec![line(["launchctl", "unload", "-w", target.as_str()])],
            }
        }
        Platform::Windows => Plan {
            platform,
            file: None,
            enable: vec![
                line([
                    "reg",
                    "add",
                    RUN_KEY,
                    "/v",
                    RUN_VALUE_NAME,
                    "/t",
                    "REG_SZ",
                    "/d",
                ])
                .into_iter()
                .chain([OsString::from(windows_run_command(exe)), "/f".into()])
                .collect(),
            ],
            disable: vec![line(["reg", "delete", RUN_KEY, "/v", RUN_VALUE_NAME, "/f"])],
        },
    })
}

/// Carries out `plan`: on, writes the file (its directory created) then runs
/// [`Plan::enable`]; off, runs [`Plan::disable`] (failures ignored: it may not be enabled)
/// then removes the file if it exists.
///
/// # Errors
/// [`AutostartError::File`] or [`AutostartError::Command`] (turning on only).
pub fn apply(plan: &Plan, on: bool) -> Result<(), AutostartError> {
    let file_err = |path: &Path| {
        let path = path.to_owned();
        move |source| AutostartError::File { path, source }
    };
    if on {
        if let Some((path, text)) = &plan.file {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(file_err(dir))?;
            }
            std::fs::write(path, text).map_err(file_err(path))?;
        }
        for cmd in &plan.enable {
            run(cmd)?;
        }
    } else {
        for cmd in &plan.disable {
            // Not enabled, or already off: nothing to undo.
            let _ = run(cmd);
        }
        if let Some((path, _)) = &plan.file {
            match std::fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(file_err(path)(e));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// `cmd` as one line of text, for messages.
pub fn display(cmd: &[OsString]) -> String {
    cmd.iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn run(cmd: &[OsString]) -> Result<(), AutostartError> {
    let failed = |detail: String| AutostartError::Command {
        command: display(cmd),
        detail,
    };
    let (program, args) = cmd.split_first().ok_or_else(|| failed(String::new()))?;
    let out = std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| failed(e.to_string()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(failed(format!(
            "{}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dirs() -> UserDirs {
        UserDirs {
            home: Some("/home/test".into()),
            config_home: None,
        }
    }

    #[test]
    fn the_shipped_unit_is_the_generated_one() {
        let shipped = include_str!("../../../packaging/systemd/twnhi-bridge.service");
        let strip = |s: &str| {
            s.lines()
                .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            strip(shipped),
            strip(&systemd_unit(Path::new("/usr/bin/twnhi")))
        );
    }

    #[test]
    fn linux_paths_follow_xdg() {
        assert_eq!(
            user_file(Platform::Linux, &dirs()).unwrap(),
            Some(PathBuf::from(
                "/home/test/.config/systemd/user/twnhi-bridge.service"
            ))
        );
        let xdg = UserDirs {
            home: None,
            config_home: Some("/cfg".into()),
        };
        assert_eq!(
            user_file(Platform::Linux, &xdg).unwrap(),
            Some(PathBuf::from("/cfg/systemd/user/twnhi-bridge.service"))
        );
        assert!(matches!(
            user_file(Platform::Linux, &UserDirs::default()),
            Err(AutostartError::NoHome)
        ));
    }

    #[test]
    fn linux_plan_writes_a_unit_unless_the_package_did() {
        let exe = Path::new("/home/test/.cargo/bin/twnhi");
        let p = plan(Platform::Linux, exe, &dirs(), false).unwrap();
        let (path, text) = p.file.clone().unwrap();
        assert!(path.ends_with(".config/systemd/user/twnhi-bridge.service"));
        assert!(text.contains("\nExecStart=/home/test/.cargo/bin/twnhi bridge\n"));
        assert_eq!(
            display(&p.enable[1]),
            "systemctl --user enable --now twnhi-bridge.service"
        );
        let packaged = plan(Platform::Linux, exe, &dirs(), true).unwrap();
        assert_eq!(packaged.file, None);
        assert_eq!(packaged.enable.len(), 1);
    }

    #[test]
    fn unit_paths_with_spaces_and_percent_are_quoted() {
        let text = systemd_unit(Path::new("/opt/my apps/100%/twnhi"));
        assert!(
            text.contains("ExecStart=\"/opt/my apps/100%%/twnhi\" bridge\n"),
            "{text}"
        );
    }

    #[test]
    fn macos_launch_agent() {
        assert_eq!(
            user_file(Platform::MacOs, &dirs()).unwrap(),
            Some(PathBuf::from(
                "/home/test/Library/LaunchAgents/io.github.twnhi.bridge.plist"
            ))
        );
        let p = plan(
            Platform::MacOs,
            Path::new("/usr/local/bin/twnhi"),
            &dirs(),
            false,
        )
        .unwrap();
        let (path, text) = p.file.clone().unwrap();
        assert!(text.contains("<string>io.github.twnhi.bridge</string>"));
        assert!(
            text.contains("<string>/usr/local/bin/twnhi</string>\n    <string>bridge</string>")
        );
        assert!(text.contains("<key>RunAtLoad</key>\n  <true/>"));
        assert_eq!(
            display(&p.enable[0]),
            format!("launchctl load -w {}", path.display())
        );
        let escaped = launch_agent_plist(Path::new("/Apps/A&B <x>/twnhi"));
        assert!(escaped.contains("<string>/Apps/A&amp;B &lt;x&gt;/twnhi</string>"));
        // The same plist the .pkg installs for every user.
        let shipped = include_str!("../../../packaging/macos/io.github.twnhi.bridge.plist");
        assert_eq!(
            shipped,
            launch_agent_plist(Path::new("/usr/local/bin/twnhi"))
        );
    }

    #[test]
    fn windows_run_entry() {
        let exe = Path::new(r"C:\Users\Test User\AppData\Local\twnhi\twnhi.exe");
        assert_eq!(
            user_file(Platform::Windows, &UserDirs::default()).unwrap(),
            None
        );
        let p = plan(Platform::Windows, exe, &UserDirs::default(), false).unwrap();
        assert_eq!(p.file, None);
        assert_eq!(
            p.enable[0],
            line([
                "reg",
                "add",
                r"HKCU\Software\Microsoft\Windows\CurrentVersion\Run",
                "/v",
                "twnhi bridge",
                "/t",
                "REG_SZ",
                "/d",
                r#"conhost.exe --headless "C:\Users\Test User\AppData\Local\twnhi\twnhi.exe" bridge"#,
                "/f",
            ])
        );
        assert_eq!(
            display(&p.disable[0]),
            r"reg delete HKCU\Software\Microsoft\Windows\CurrentVersion\Run /v twnhi bridge /f"
        );
        // The .msi writes the same command under HKLM for every user.
        let wxs = include_str!("../../../packaging/windows/main.wxs");
        let value =
            windows_run_command(Path::new("[APPLICATIONFOLDER]twnhi.exe")).replace('"', "&quot;");
        assert!(wxs.contains(&format!("Name=\"{RUN_VALUE_NAME}\"")), "{wxs}");
        assert!(wxs.contains(&format!("Value=\"{value}\"")), "{value}");
    }

    #[test]
    fn apply_writes_and_removes_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/unit");
        // `true` stands for the platform's command: it succeeds and does nothing.
        let p = Plan {
            platform: Platform::Linux,
            file: Some((path.clone(), "x\n".into())),
            enable: vec![line(["true"])],
            disable: vec![line(["false"])],
        };
        apply(&p, true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "x\n");
        apply(&p, false).unwrap();
        assert!(!path.exists());
        apply(&p, false).unwrap();
        let failing = Plan {
            enable: vec![line(["false"])],
            ..p
        };
        let e = apply(&failing, true).unwrap_err();
        assert!(e.to_string().contains("false"), "{e}");
    }

    #[test]
    fn current_platform_is_known_here() {
        #[cfg(target_os = "linux")]
        assert_eq!(Platform::current(), Some(Platform::Linux));
    }
}
