//! The settings of `twnhi bridge`: one serde type read from a TOML file and layered with
//! flags and environment variables, then turned into a [`BridgeConfig`].
//!
//! ```
//! use twnhi_bridge::settings::BridgeSettings;
//!
//! let file = BridgeSettings::from_toml(
//!     "allow_origins = [\"https://nhi.example.org\"]\nmax_clients = 16\n",
//!     "bridge.toml",
//! )?;
//! let flags = BridgeSettings { max_clients: Some(32), ..BridgeSettings::default() };
//! let settings = file.layered(flags);
//! let config = settings.config()?;
//! assert_eq!(config.max_clients, 32);
//! assert_eq!(config.origins.allowed[0].to_string(), "https://nhi.example.org");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Precedence, highest first: flags, their `TWNHI_BRIDGE_*` environment variables (one layer
//! from the command line's parser), the configuration file, the defaults of [`BridgeConfig`].
//! Unknown keys are an error naming the line and column.

use crate::config::{BridgeConfig, Origin};
use crate::error::BridgeError;
use crate::error::joined;
use crate::tls::TlsSettings;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use twnhi_texts::bilingual;

/// The name of the configuration file looked for in the user's configuration directory.
pub const FILE_NAME: &str = "bridge.toml";

/// A settings error: the message is bilingual (zh-TW / English, from the catalog).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// The configuration file could not be read.
    #[error("{}", joined("bridge-settings-read", &[("path", path.into()), ("source", source.to_string().into())], " / "))]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The configuration file is not valid TOML, has an unknown key or a value of the wrong
    /// type. The message names the line and the column.
    #[error("{}", joined("bridge-settings-syntax", &[("path", path.into()), ("source", source.to_string().into())], " / "))]
    Syntax {
        /// The file.
        path: String,
        /// The parser's error, with line, column and the offending text.
        source: Box<toml::de::Error>,
    },
    /// A setting has a value that cannot be used.
    #[error("{}", joined("bridge-settings-invalid", &[("key", (*key).into()), ("reason", reason.into())], " / "))]
    Invalid {
        /// The key.
        key: &'static str,
        /// Why.
        reason: String,
    },
    /// The configuration is inconsistent, or TLS files cannot be used.
    #[error(transparent)]
    Bridge(#[from] BridgeError),
}

/// One layer of settings — a file, or the flags and environment — every key optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BridgeSettings {
    /// Address to listen on (default: `127.0.0.1:7777`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
    /// Origins allowed besides loopback origins, e.g. `https://nhi.example.org`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_origins: Option<Vec<String>>,
    /// Allow loopback origins (`http(s)://localhost`, `127.0.0.1`, `[::1]`) (default: true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loopback_origins: Option<bool>,
    /// Allow the origin `null` (default: false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_null_origin: Option<bool>,
    /// Host names accepted in requests besides localhost and loopback addresses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_hosts: Option<Vec<String>>,
    /// The reader to use when a request names none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reader: Option<String>,
    /// Most simultaneous clients (default: 64).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_clients: Option<usize>,
    /// Largest WebSocket message, in bytes (default: 16384).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_frame: Option<usize>,
    /// Most open HTTP connections besides WebSockets (default: 256).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_connections: Option<usize>,
    /// Seconds a connection has to send a request head (default: 10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header_timeout_secs: Option<f64>,
    /// Seconds after which a silent WebSocket is closed (default: 60).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_timeout_secs: Option<f64>,
    /// Seconds between pings on every WebSocket (default: 20).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ping_interval_secs: Option<f64>,
    /// Certificate chain (PEM) for `https://` / `wss://`; needs `tls_key`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_cert: Option<PathBuf>,
    /// The private key (PEM) of `tls_cert`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_key: Option<PathBuf>,
    /// Use a simulated reader holding a demo card instead of PC/SC (default: false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sim: Option<bool>,
    /// Identity file (JSON) of the simulated card; implies `sim`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sim_identity: Option<PathBuf>,
    /// The PKCS#11 module of the certificate cards (自然人憑證) (default: the HiCOS module,
    /// `HiCOSPKCS11.dll` / `libHicos_p11v1.dylib` / `libHicos_p11v1.so`, at its usual paths).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pkcs11_module: Option<PathBuf>,
}

impl BridgeSettings {
    /// Parses a TOML text; `origin` names it in errors.
    ///
    /// # Errors
    /// [`SettingsError::Syntax`] for invalid TOML, an unknown key or a wrong type.
    pub fn from_toml(text: &str, origin: impl AsRef<Path>) -> Result<Self, SettingsError> {
        toml::from_str(text).map_err(|e| SettingsError::Syntax {
            path: origin.as_ref().display().to_string(),
            source: Box::new(e),
        })
    }

    /// Reads and parses a TOML file.
    ///
    /// # Errors
    /// [`SettingsError::Read`] when it cannot be read, else as [`from_toml`](Self::from_toml).
    pub fn load(path: &Path) -> Result<Self, SettingsError> {
        let text = std::fs::read_to_string(path).map_err(|source| SettingsError::Read {
            path: path.display().to_string(),
            source,
        })?;
        BridgeSettings::from_toml(&text, path)
    }

    /// These settings with `over`'s on top: every key `over` sets wins. The TLS files go
    /// together: a layer that sets either replaces both.
    #[must_use]
    pub fn layered(self, over: BridgeSettings) -> BridgeSettings {
        let (tls_cert, tls_key) = if over.tls_cert.is_some() || over.tls_key.is_some() {
            (over.tls_cert, over.tls_key)
        } else {
            (self.tls_cert, self.tls_key)
        };
        BridgeSettings {
            listen: over.listen.or(self.listen),
            allow_origins: over.allow_origins.or(self.allow_origins),
            loopback_origins: over.loopback_origins.or(self.loopback_origins),
            allow_null_origin: over.allow_null_origin.or(self.allow_null_origin),
            allow_hosts: over.allow_hosts.or(self.allow_hosts),
            reader: over.reader.or(self.reader),
            max_clients: over.max_clients.or(self.max_clients),
            max_frame: over.max_frame.or(self.max_frame),
            max_connections: over.max_connections.or(self.max_connections),
            header_timeout_secs: over.header_timeout_secs.or(self.header_timeout_secs),
            idle_timeout_secs: over.idle_timeout_secs.or(self.idle_timeout_secs),
            ping_interval_secs: over.ping_interval_secs.or(self.ping_interval_secs),
            tls_cert,
            tls_key,
            sim: over.sim.or(self.sim),
            sim_identity: over.sim_identity.or(self.sim_identity),
            pkcs11_module: over.pkcs11_module.or(self.pkcs11_module),
        }
    }

    /// Whether the simulated reader is asked for (`sim`, or an identity file).
    pub fn uses_sim(&self) -> bool {
        self.sim.unwrap_or(false) || self.sim_identity.is_some()
    }

    /// Every key with the value in effect (the defaults of [`BridgeConfig`] filled in), for
    /// `--print-config`. Nothing of the bridge's settings is secret (the TLS key is a path).
    #[must_use]
    pub fn effective(&self) -> BridgeSettings {
        let d = BridgeConfig::default();
        BridgeSettings {
            listen: Some(self.listen.unwrap_or(d.listen)),
            allow_origins: Some(self.allow_origins.clone().unwrap_or_default()),
            loopback_origins: Some(self.loopback_origins.unwrap_or(d.origins.allow_loopback)),
            allow_null_origin: Some(self.allow_null_origin.unwrap_or(d.origins.allow_null)),
            allow_hosts: Some(self.allow_hosts.clone().unwrap_or_default()),
            reader: self.reader.clone(),
            max_clients: Some(self.max_clients.unwrap_or(d.max_clients)),
            max_frame: Some(self.max_frame.unwrap_or(d.max_frame_bytes)),
            max_connections: Some(self.max_connections.unwrap_or(d.max_connections)),
            header_timeout_secs: Some(
                self.header_timeout_secs
                    .unwrap_or(d.header_read_timeout.as_secs_f64()),
            ),
            idle_timeout_secs: Some(
                self.idle_timeout_secs
                    .unwrap_or(d.ws_idle_timeout.as_secs_f64()),
            ),
            ping_interval_secs: Some(
                self.ping_interval_secs
                    .unwrap_or(d.ws_ping_interval.as_secs_f64()),
            ),
            tls_cert: self.tls_cert.clone(),
            tls_key: self.tls_key.clone(),
            sim: Some(self.uses_sim()),
            sim_identity: self.sim_identity.clone(),
            pkcs11_module: self.pkcs11_module.clone(),
        }
    }

    /// The effective settings as a TOML file would give them.
    #[must_use]
    pub fn to_toml(&self) -> String {
        toml::to_string(&self.effective()).unwrap_or_default()
    }

    /// The library configuration: defaults filled in, origins parsed, TLS files read,
    /// everything checked with [`BridgeConfig::validate`].
    ///
    /// # Errors
    /// [`SettingsError::Invalid`] for a malformed origin or a negative number of seconds,
    /// [`SettingsError::Bridge`] for a TLS file that cannot be used or a configuration that
    /// [`BridgeConfig::validate`] refuses.
    pub fn config(&self) -> Result<BridgeConfig, SettingsError> {
        let mut config = BridgeConfig::default();
        if let Some(listen) = self.listen {
            config.listen = listen;
        }
        for o in self.allow_origins.iter().flatten() {
            let origin = Origin::parse(o).map_err(|e| SettingsError::Invalid {
                key: "allow_origins",
                reason: e.to_string(),
            })?;
            config.origins.allowed.push(origin);
        }
        config.origins.allow_loopback = self
            .loopback_origins
            .unwrap_or(config.origins.allow_loopback);
        config.origins.allow_null = self.allow_null_origin.unwrap_or(config.origins.allow_null);
        config.extra_hosts = self.allow_hosts.clone().unwrap_or_default();
        config.reader = self.reader.clone();
        config.pkcs11_module = self.pkcs11_module.clone();
        config.max_clients = self.max_clients.unwrap_or(config.max_clients);
        config.max_frame_bytes = self.max_frame.unwrap_or(config.max_frame_bytes);
        config.max_connections = self.max_connections.unwrap_or(config.max_connections);
        config.header_read_timeout = secs(
            "header_timeout_secs",
            self.header_timeout_secs,
            config.header_read_timeout,
        )?;
        config.ws_idle_timeout = secs(
            "idle_timeout_secs",
            self.idle_timeout_secs,
            config.ws_idle_timeout,
        )?;
        config.ws_ping_interval = secs(
            "ping_interval_secs",
            self.ping_interval_secs,
            config.ws_ping_interval,
        )?;
        config.tls = match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => Some(TlsSettings::from_pem_files(cert, key)?),
            (None, None) => None,
            _ => {
                return Err(SettingsError::Invalid {
                    key: "tls_cert",
                    reason: bilingual("bridge-settings-tls-pair"),
                });
            }
        };
        config.validate().map_err(BridgeError::from)?;
        Ok(config)
    }
}

fn secs(
    key: &'static str,
    value: Option<f64>,
    default: Duration,
) -> Result<Duration, SettingsError> {
    match value {
        None => Ok(default),
        Some(v) => Duration::try_from_secs_f64(v).map_err(|_| SettingsError::Invalid {
            key,
            reason: joined(
                "bridge-settings-seconds",
                &[("value", v.to_string().into())],
                " / ",
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_texts_are_the_catalog_s_and_unchanged() {
        let e = secs("idle_timeout_secs", Some(-1.5), Duration::ZERO).unwrap_err();
        assert_eq!(
            e.to_string(),
            "idle_timeout_secs 的值無效 / bad value of idle_timeout_secs: 須為不小於 0 的秒數 / must be a number of seconds ≥ 0 (got -1.5)"
        );
        let e = BridgeError::from(crate::error::ConfigError::Timeout {
            name: "ws_idle_timeout",
            min: Duration::from_secs(1),
            max: Duration::from_millis(1500),
        });
        assert_eq!(
            e.to_string(),
            "設定錯誤：ws_idle_timeout 必須介於 1s 與 1.5s 之間 / ws_idle_timeout must be between 1s and 1.5s"
        );
        let e = BridgeError::Serve(std::io::Error::other("boom"));
        assert_eq!(e.to_string(), "服務中斷（boom）/ the server failed: boom");
    }

    #[test]
    fn layers_and_defaults() {
        let file = BridgeSettings::from_toml(
            "listen = \"127.0.0.1:9000\"\nallow_origins = [\"https://a.example\"]\nmax_clients = 5\nloopback_origins = false\n",
            "bridge.toml",
        )
        .unwrap();
        let flags = BridgeSettings {
            listen: Some("127.0.0.1:9001".parse().unwrap()),
            ..BridgeSettings::default()
        };
        let s = file.layered(flags);
        let c = s.config().unwrap();
        assert_eq!(c.listen.port(), 9001, "the flag wins");
        assert_eq!(c.origins.allowed.len(), 1, "then the file");
        assert!(!c.origins.allow_loopback);
        assert_eq!(c.max_clients, 5);
        let d = BridgeConfig::default();
        assert_eq!(c.max_connections, d.max_connections, "then the default");
        assert_eq!(c.ws_idle_timeout, d.ws_idle_timeout);
        let none = BridgeSettings::default().config().unwrap();
        assert_eq!(none.listen.to_string(), "127.0.0.1:7777");
        assert!(none.origins.allow_loopback && !none.origins.allow_null);
    }

    #[test]
    fn unknown_keys_name_line_and_column() {
        let e = BridgeSettings::from_toml("max_clients = 3\nlisen = \"x\"\n", "bridge.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("bridge.toml") && e.contains("line 2, column 1") && e.contains("lisen"),
            "{e}"
        );
        let e = BridgeSettings::from_toml("max_clients = \"many\"\n", "b").unwrap_err();
        assert!(e.to_string().contains("line 1, column 15"), "{e}");
    }

    #[test]
    fn timeouts_limits_and_tls_are_checked() {
        let s = BridgeSettings::from_toml(
            "max_connections = 32\nidle_timeout_secs = 90\nping_interval_secs = 15\nheader_timeout_secs = 2.5\n",
            "b",
        )
        .unwrap();
        let c = s.config().unwrap();
        assert_eq!(c.max_connections, 32);
        assert_eq!(c.header_read_timeout, Duration::from_millis(2500));
        assert_eq!(c.ws_idle_timeout, Duration::from_secs(90));
        assert_eq!(c.ws_ping_interval, Duration::from_secs(15));
        for bad in [
            "ping_interval_secs = 60\nidle_timeout_secs = 60\n",
            "header_timeout_secs = -1\n",
            "idle_timeout_secs = 0.01\n",
            "max_connections = 0\n",
            "max_clients = 0\n",
            "allow_origins = [\"nope\"]\n",
            "tls_cert = \"a.pem\"\n",
            "tls_cert = \"/nonexistent/a.pem\"\ntls_key = \"/nonexistent/a-key.pem\"\n",
        ] {
            let s = BridgeSettings::from_toml(bad, "b").unwrap();
            assert!(s.config().is_err(), "{bad}");
        }
        // A layer that sets one TLS file replaces both: no cert from one layer with the key
        // of another.
        let file =
            BridgeSettings::from_toml("tls_cert = \"f.pem\"\ntls_key = \"f-key.pem\"\n", "b")
                .unwrap();
        let flags = BridgeSettings {
            tls_cert: Some("g.pem".into()),
            ..BridgeSettings::default()
        };
        let s = file.layered(flags);
        assert_eq!(s.tls_key, None);
        assert!(matches!(
            s.config(),
            Err(SettingsError::Invalid {
                key: "tls_cert",
                ..
            })
        ));
    }

    #[test]
    fn printed_settings_are_complete_and_read_back() {
        let s = BridgeSettings {
            sim_identity: Some("me.json".into()),
            ..BridgeSettings::default()
        };
        let printed = s.to_toml();
        assert!(printed.contains("listen = \"127.0.0.1:7777\""), "{printed}");
        assert!(printed.contains("sim = true"), "{printed}");
        assert!(printed.contains("max_connections = 256"), "{printed}");
        let again = BridgeSettings::from_toml(&printed, "printed").unwrap();
        assert_eq!(again, s.effective());
        assert!(again.config().is_ok());
    }

    #[test]
    fn the_pkcs11_module_is_a_setting() {
        let file =
            BridgeSettings::from_toml("pkcs11_module = \"/opt/hicos/libHicos_p11v1.so\"\n", "b")
                .unwrap();
        assert_eq!(
            file.config().unwrap().pkcs11_module.unwrap(),
            Path::new("/opt/hicos/libHicos_p11v1.so")
        );
        let flags = BridgeSettings {
            pkcs11_module: Some("/usr/lib/softhsm/libsofthsm2.so".into()),
            ..BridgeSettings::default()
        };
        let s = file.layered(flags);
        assert_eq!(
            s.config().unwrap().pkcs11_module.unwrap(),
            Path::new("/usr/lib/softhsm/libsofthsm2.so"),
            "the flag wins"
        );
        assert!(s.to_toml().contains("pkcs11_module = "), "{}", s.to_toml());
        assert_eq!(
            BridgeSettings::default().config().unwrap().pkcs11_module,
            None
        );
    }
}
