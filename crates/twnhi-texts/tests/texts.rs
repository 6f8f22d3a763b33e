//! The message files: every language has every message and attribute, and every message
//! formats without errors with the arguments its comment documents.
//!
//! Arguments are documented in the comment right above a message of the zh-TW file, one
//! line each: `# $name: what it is`; `(number)` in the description makes the test pass a
//! number (plural selectors), otherwise a text.

use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
use fluent_syntax::parser;
use twnhi_texts::{self as messages, Arg, Lang};

/// One language's messages and terms.
#[derive(Default)]
struct Entries {
    messages: BTreeMap<String, Message>,
    terms: BTreeSet<String>,
}

#[derive(Default)]
struct Message {
    has_value: bool,
    attributes: BTreeSet<String>,
    variables: BTreeSet<String>,
    /// Documented argument → whether it is a number.
    documented: BTreeMap<String, bool>,
}

fn variables(p: &Pattern<&str>, out: &mut BTreeSet<String>) {
    for e in &p.elements {
        if let PatternElement::Placeable { expression } = e {
            expression_vars(expression, out);
        }
    }
}

fn expression_vars(e: &Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        Expression::Select { selector, variants } => {
            inline_vars(selector, out);
            for v in variants {
                variables(&v.value, out);
            }
        }
        Expression::Inline(i) => inline_vars(i, out),
    }
}

fn inline_vars(i: &InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match i {
        InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_vars(a, out);
            }
            for a in &arguments.named {
                inline_vars(&a.value, out);
            }
        }
        InlineExpression::Placeable { expression } => expression_vars(expression, out),
        _ => {}
    }
}

fn parse(lang: Lang) -> Entries {
    let mut all = Entries::default();
    for (file, source) in lang.sources() {
        let res = parser::parse(*source).unwrap_or_else(|(_, errors)| {
            panic!("locales/{lang}/{file}: syntax errors: {errors:?}")
        });
        for entry in res.body {
            match entry {
                Entry::Message(m) => {
                    let mut msg = Message {
                        has_value: m.value.is_some(),
                        ..Message::default()
                    };
                    if let Some(v) = &m.value {
                        variables(v, &mut msg.variables);
                    }
                    for a in &m.attributes {
                        msg.attributes.insert(a.id.name.to_owned());
                        variables(&a.value, &mut msg.variables);
                    }
                    for line in m.comment.iter().flat_map(|c| c.content.iter()) {
                        if let Some(rest) = line.trim().strip_prefix('$')
                            && let Some((name, what)) = rest.split_once(':')
                        {
                            msg.documented
                                .insert(name.trim().to_owned(), what.contains("(number)"));
                        }
                    }
                    let id = m.id.name.to_owned();
                    assert!(
                        all.messages.insert(id.clone(), msg).is_none(),
                        "locales/{lang}: `{id}` is defined twice"
                    );
                }
                Entry::Term(t) => {
                    assert!(
                        all.terms.insert(t.id.name.to_owned()),
                        "locales/{lang}: term `-{}` is defined twice",
                        t.id.name
                    );
                }
                Entry::Junk { content } => panic!("locales/{lang}/{file}: junk {content:?}"),
                _ => {}
            }
        }
    }
    all
}

#[test]
fn languages_are_discovered() {
    assert_eq!(Lang::ALL.first(), Some(&Lang::ZhTw));
    assert!(Lang::ALL.contains(&Lang::En));
    for &l in Lang::ALL {
        assert_eq!(Lang::from_tag(l.tag()), Some(l));
        assert_eq!(l.tag().parse::<Lang>(), Ok(l));
        assert!(!l.sources().is_empty(), "{l} has files");
    }
}

#[test]
fn every_language_has_every_message_and_attribute() {
    let reference = parse(Lang::ZhTw);
    assert!(!reference.messages.is_empty());
    for &lang in Lang::ALL {
        let other = parse(lang);
        let ids = |e: &Entries| e.messages.keys().cloned().collect::<BTreeSet<_>>();
        let (a, b) = (ids(&reference), ids(&other));
        assert!(
            a == b,
            "{lang} differs from zh-TW: missing {:?}, extra {:?}",
            a.difference(&b).collect::<Vec<_>>(),
            b.difference(&a).collect::<Vec<_>>()
        );
        assert_eq!(reference.terms, other.terms, "{lang}: terms");
        for (id, m) in &reference.messages {
            let o = &other.messages[id];
            assert_eq!(m.has_value, o.has_value, "{lang}: `{id}` value");
            assert_eq!(m.attributes, o.attributes, "{lang}: `{id}` attributes");
        }
    }
}

#[test]
fn every_message_formats_with_its_documented_arguments() {
    let reference = parse(Lang::ZhTw);
    for &lang in Lang::ALL {
        let entries = parse(lang);
        for (id, m) in &entries.messages {
            let documented = &reference.messages[id].documented;
            let undocumented: Vec<_> = m
                .variables
                .iter()
                .filter(|v| !documented.contains_key(*v))
                .collect();
            assert!(
                undocumented.is_empty(),
                "{lang}: `{id}` uses {undocumented:?}, not documented as `# $name: …` in zh-TW"
            );
            let args: Vec<(&str, Arg<'_>)> = documented
                .iter()
                .map(|(name, number)| {
                    let v = if *number {
                        Arg::from(2)
                    } else {
                        Arg::from("x")
                    };
                    (name.as_str(), v)
                })
                .collect();
            let mut targets: Vec<String> = Vec::new();
            if m.has_value {
                targets.push(id.clone());
            }
            targets.extend(m.attributes.iter().map(|a| format!("{id}.{a}")));
            for t in targets {
                let text =
                    messages::format_checked(lang, &t, &args).unwrap_or_else(|e| panic!("{e}"));
                assert!(!text.trim().is_empty(), "{lang}: `{t}` is empty");
                assert!(
                    !text.contains(['\u{2068}', '\u{2069}']),
                    "{lang}: `{t}` has isolation marks"
                );
            }
        }
    }
}

#[test]
fn lookups_fall_back_and_strict_lookups_fail() {
    assert_eq!(
        messages::text(Lang::En, "no-such-message"),
        "no-such-message"
    );
    assert!(messages::format_checked(Lang::En, "no-such-message", &[]).is_err());
    assert!(messages::format_checked(Lang::En, "attempts-left", &[]).is_err());
    assert_eq!(
        messages::format(Lang::En, "attempts-left", &[("left", 0.into())]),
        "The verification code is incorrect. You have 0 attempts left."
    );
}
