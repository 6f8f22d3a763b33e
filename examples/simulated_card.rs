//! Reads a simulated NHI card in process, in each fault mode, and runs the card side of
//! twnhi's card authentication (SPEC §3) with a software SAM key.
//!
//! ```sh
//! cargo run --example simulated_card
//! ```

use twnhi::card::NhiSession;
use twnhi::card::auth::MasterKey;
use twnhi::sim::{Faults, Identity, SimCard};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let master = MasterKey::from_bytes(*b"example-master!!");
    let identity = Identity::sample().with_master_key(&master);

    for mode in ["normal", "t0", "new-gen", "wrong-le"] {
        let card = SimCard::new(identity.clone(), Faults::parse(mode)?);
        let mut session = NhiSession::new(card);
        let data = session.read_basic()?;
        let sent = session.transport_mut().commands_answered();
        println!("{mode:>8}: {} {} ({sent} APDUs)", data.card_no, data.name);
    }

    // Card authentication: the card proves it holds the key derived from the SAM's master key.
    let mut session = NhiSession::new(SimCard::new(identity, Faults::default()));
    let challenge = session.challenge()?;
    let key = master.derive_card_key(&challenge.card_no);
    let rs = [0x42; 16]; // a real SAM draws this from a CSPRNG
    let cr = session.authenticate(&key.build_au(&challenge.rc, &rs))?;
    let ok = key.verify_cr(&rs, &challenge.rc, &challenge.card_no, &cr);
    println!("card {} authenticated: {ok}", challenge.card_no);
    Ok(())
}
