//! The bridge's handling of incoming WebSocket text frames, without a card: the legacy `/echo`
//! commands and the JSON `/v1` requests. Input: a selector byte (even: legacy, odd: JSON), then
//! the frame's text (WebSocket text frames are UTF-8; other input is skipped).
//!
//! Checks: nothing panics; every legacy frame but `GetBasic` gets an immediate reply that is a
//! known reply or a bare code; a JSON frame gives a request whose `id` is a number or a short
//! string and which survives a serde round trip, or an error reply (code 9999) whose `type` is
//! a known request type or `error` and which serialises; an `authenticate` request's `au`
//! decodes to 32 bytes or is refused.
#![no_main]
use libfuzzer_sys::fuzz_target;
use twnhi_bridge::legacy::{self, LegacyCommand};
use twnhi_bridge::protocol::{REQUEST_TYPES, Request, parse_au, parse_request};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    if selector & 1 == 0 {
        let command = LegacyCommand::parse(text);
        match legacy::immediate_reply(command) {
            None => assert_eq!(command, LegacyCommand::GetBasic),
            Some(reply) => {
                assert_ne!(command, LegacyCommand::GetBasic);
                assert!(
                    reply == legacy::VERSION_REPLY
                        || reply == "9999"
                        || reply == "8201"
                        || reply.strip_prefix("GetRandom:").is_some_and(|d| {
                            d.len() == 16 && d.bytes().all(|b| b.is_ascii_digit())
                        }),
                    "{reply}"
                );
            }
        }
        return;
    }
    match parse_request(text) {
        Ok((id, request)) => {
            assert!(
                id.is_number() || id.as_str().is_some_and(|s| s.chars().count() <= 128),
                "{id}"
            );
            assert!(REQUEST_TYPES.contains(&request.kind()));
            let json = serde_json::to_string(&request).expect("a request serialises");
            let back: Request = serde_json::from_str(&json).expect("and parses back");
            assert_eq!(back, request);
            if let Request::Authenticate { au, .. } = &request {
                if let Ok(bytes) = parse_au(au) {
                    assert_eq!(bytes.len(), 32);
                } else {
                    assert!(
                        au.chars().filter(|c| c.is_ascii_hexdigit()).count() != 64
                            || au
                                .chars()
                                .any(|c| !c.is_ascii_hexdigit() && !c.is_ascii_whitespace())
                    );
                }
            }
        }
        Err(reply) => {
            let error = reply
                .error
                .as_ref()
                .expect("an error reply carries an error");
            assert_eq!(error.code, 9999);
            assert!(reply.result.is_none());
            assert!(
                reply.kind == "error" || REQUEST_TYPES.contains(&reply.kind.as_str()),
                "reply type {:?}",
                reply.kind
            );
            assert!(
                reply.id.is_null()
                    || reply.id.is_number()
                    || reply.id.as_str().is_some_and(|s| s.chars().count() <= 128)
            );
            serde_json::to_string(&*reply).expect("a reply serialises");
        }
    }
});
