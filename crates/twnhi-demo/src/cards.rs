//! The demo's card slot: the simulated reader of the in-process bridge and the synthetic
//! people whose cards can go into it (`/dev/cards`). Inserting a person's NHI card puts
//! their simulated citizen certificate card (自然人憑證) into the bridge's certificate slot
//! too.

use std::sync::Arc;

use twnhi_bridge::certs::SimCertBackend;
use twnhi_pkcs11::CertificateToken;
use twnhi_sim::{Faults, SimCard, SimReader};
use twnhi_store::InsuredPerson;
use twnhi_web::dev::DevCardSlot;

use crate::people::DemoPerson;

/// The simulated reader of the demo and the synthetic people whose cards can go into it.
#[derive(Clone)]
pub struct DemoCards {
    /// The reader the in-process bridge reads (clones share the slot).
    pub reader: SimReader,
    /// The people.
    pub people: Arc<Vec<DemoPerson>>,
    /// The bridge's certificate card slot (clones share it).
    pub cert_slot: SimCertBackend,
    /// The people's simulated certificate cards, in the people's order.
    pub cert_cards: Arc<Vec<Arc<dyn CertificateToken>>>,
}

impl std::fmt::Debug for DemoCards {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoCards")
            .field("people", &self.people.len())
            .field("cert_slot", &self.cert_slot)
            .finish_non_exhaustive()
    }
}

impl DemoCards {
    /// Puts the card of `card_no` into the reader (replacing the one there). `false` when
    /// no demo person has that card.
    pub fn insert(&self, card_no: &str) -> bool {
        match self
            .people
            .iter()
            .position(|p| p.identity.card_no == card_no)
        {
            Some(i) => {
                let Some(p) = self.people.get(i) else {
                    return false;
                };
                self.reader
                    .insert(SimCard::new(p.identity.clone(), Faults::default()));
                match self.cert_cards.get(i) {
                    Some(token) => self.cert_slot.insert(Arc::clone(token)),
                    None => {
                        self.cert_slot.remove();
                    }
                }
                true
            }
            None => false,
        }
    }

    /// Takes the card out.
    pub fn remove(&self) {
        self.reader.remove();
        self.cert_slot.remove();
    }

    /// The card number of the card in the reader.
    #[must_use]
    pub fn inserted(&self) -> Option<String> {
        self.reader
            .with_card(|c| c.identity().card_no.clone())
            .filter(|_| self.reader.has_card())
    }
}

impl DevCardSlot for DemoCards {
    fn cards(&self) -> Vec<(String, InsuredPerson)> {
        self.people
            .iter()
            .map(|p| (p.identity.card_no.clone(), p.person.clone()))
            .collect()
    }

    fn inserted(&self) -> Option<String> {
        DemoCards::inserted(self)
    }

    fn insert(&self, card_no: &str) -> bool {
        DemoCards::insert(self, card_no)
    }

    fn remove(&self) {
        DemoCards::remove(self);
    }

    fn certificate_pin(&self) -> Option<String> {
        (!self.cert_cards.is_empty()).then(|| crate::certs::DEMO_PIN.to_owned())
    }
}
