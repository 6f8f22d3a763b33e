#![forbid(unsafe_code)]
#![doc = include_str!("../README.md")]

pub mod api;
mod app;
pub mod assets;
mod captcha;
pub mod client;
pub mod config;
mod conn;
pub mod dev;
mod error;
mod flash;
pub mod health;
pub mod news;
mod pages;
pub mod security;
mod session;
pub mod settings;
mod templates;
mod ua;

pub use app::{BoundSite, Site, SiteDeps, SiteHandle};
pub use config::{ConnectionLimits, CookieSecurity, RateLimits, WebConfig};
pub use error::{ConfigError, WebError};
