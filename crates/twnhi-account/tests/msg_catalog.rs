//! Every [`Msg`] of the account rules has its message in every language of the catalog.

use twnhi_account::messages::{self, Lang, Msg};

#[test]
fn every_msg_has_a_message_in_every_language() {
    for &lang in Lang::ALL {
        for m in Msg::ALL {
            assert!(messages::has(lang, m.id()), "{lang}: {} ({:?})", m.id(), m);
            assert_ne!(m.text(lang), m.id(), "{lang}: {m:?}");
        }
    }
}
