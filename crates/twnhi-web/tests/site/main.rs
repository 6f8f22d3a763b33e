//! The site without a browser, one test binary: the router called in process
//! (`tower::ServiceExt::oneshot`) or on a real socket, a real SQLite store in a temporary
//! directory, the real use cases, and the simulated card doing its side of card
//! authentication in process. The browser tier is `twnhi-demo`'s `tests/browser.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod api;
mod cert;
mod connections;
mod flows;
mod pages;
mod replicas;
mod security;
mod setup;
mod support;
