//! # twnhi
//!
//! An open-source Rust rebuild of Taiwan's NHI Card Online Services Registration
//! (健保卡網路服務註冊): reading NHI cards over PC/SC, the local card component browsers talk
//! to, and the registration site.
//!
//! This facade crate re-exports the library crates so that other Rust projects can depend on
//! one crate:
//!
//! | module | crate | what |
//! |---|---|---|
//! | [`apdu`] | `twnhi-apdu` | ISO 7816-4 APDUs, status words, TLV; zero-copy, no I/O |
//! | [`card`] | `twnhi-card` | the NHI card application: commands, session, basic data, errors |
//! | [`sim`] | `twnhi-sim` | a simulated NHI card, in process or over vpcd |
//! | [`account`] | `twnhi-account` | the account domain rules: identities, passwords, codes |
//! | `pcsc` (feature `pcsc`) | `twnhi-pcsc` | reading real readers through PC/SC |
//! | `notify` (feature `notify`) | `twnhi-notify` | letters, mailers, QR codes, captcha |
//! | `bridge` (feature `bridge`) | `twnhi-bridge` | the local card component browsers talk to |
//! | `store`, `store_sqlite`, `service`, `web` (feature `server`) | `twnhi-store`, `twnhi-store-sqlite`, `twnhi-service`, `twnhi-web` | the registration system |
//!
//! ```
//! use twnhi::card::NhiSession;
//! use twnhi::sim::{Faults, Identity, SimCard};
//!
//! // A simulated card in process; with the `pcsc` feature, `twnhi::pcsc::Pcsc` reads real ones.
//! let mut session = NhiSession::new(SimCard::new(Identity::sample(), Faults::default()));
//! let data = session.read_basic()?;
//! assert_eq!(data.card_no, "000011112222");
//! # Ok::<(), twnhi::card::CardError>(())
//! ```
#![forbid(unsafe_code)]

pub use twnhi_account as account;
pub use twnhi_apdu as apdu;
#[cfg(feature = "bridge")]
pub use twnhi_bridge as bridge;
pub use twnhi_card as card;
#[cfg(feature = "notify")]
pub use twnhi_notify as notify;
#[cfg(feature = "pcsc")]
pub use twnhi_pcsc as pcsc;
#[cfg(feature = "server")]
pub use twnhi_service as service;
pub use twnhi_sim as sim;
#[cfg(feature = "server")]
pub use twnhi_store as store;
#[cfg(feature = "server")]
pub use twnhi_store_sqlite as store_sqlite;
#[cfg(feature = "server")]
pub use twnhi_web as web;
