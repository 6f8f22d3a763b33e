//! Reads the NHI card in the first reader that holds one, through PC/SC.
//!
//! ```sh
//! cargo run --example read_card --features pcsc
//! ```
//!
//! With no real card, attach the simulated one first: `twnhi card sim` (needs pcscd and
//! vsmartcard-vpcd).

use twnhi::pcsc::Pcsc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pcsc = Pcsc::establish()?;
    for r in pcsc.readers()? {
        println!("reader: {} (card present: {})", r.name, r.card_present);
    }
    let (reader, data) = pcsc.read_basic(None)?;
    println!("{reader}: card {} issued {}", data.card_no, data.issue_date);
    println!("{}", serde_json::to_string_pretty(&data)?);
    Ok(())
}
