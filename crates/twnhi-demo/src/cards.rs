//! The demo's card slot: the simulated reader of the in-process bridge and the synthetic
//! people whose cards can go into it (`/dev/cards`).

use std::sync::Arc;

use twnhi_sim::{Faults, SimCard, SimReader};
use twnhi_store::InsuredPerson;
use twnhi_web::dev::DevCardSlot;

use crate::people::DemoPerson;

/// The simulated reader of the demo and the synthetic people whose cards can go into it.
#[derive(Clone, Debug)]
pub struct DemoCards {
    /// The reader the in-process bridge reads (clones share the slot).
    pub reader: SimReader,
    /// The people.
    pub people: Arc<Vec<DemoPerson>>,
}

impl DemoCards {
    /// Puts the card of `card_no` into the reader (replacing the one there). `false` when
    /// no demo person has that card.
    pub fn insert(&self, card_no: &str) -> bool {
        match self.people.iter().find(|p| p.identity.card_no == card_no) {
            Some(p) => {
                self.reader
                    .insert(SimCard::new(p.identity.clone(), Faults::default()));
                true
            }
            None => false,
        }
    }

    /// Takes the card out.
    pub fn remove(&self) {
        self.reader.remove();
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
}
