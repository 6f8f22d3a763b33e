//! Finds the message files of every language: each directory `locales/<tag>/` holding
//! `*.ftl` files is a language, registered by its existence (no list to edit). Writes
//! `$OUT_DIR/locales.rs`, which `src/messages.rs` includes: the tags (zh-TW first, then in
//! tag order) and every file's text embedded with `include_str!`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

/// The site's first language; it must have a directory.
const FIRST: &str = "zh-TW";
/// The second language of the bilingual pages and letters; it must have a directory.
const SECOND: &str = "en";

fn main() {
    let manifest = env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".to_owned());
    let root = Path::new(&manifest).join("locales");
    println!("cargo::rerun-if-changed=locales");

    let mut langs: Vec<(String, Vec<PathBuf>)> = Vec::new();
    let dirs = fs::read_dir(&root).unwrap_or_else(|e| panic!("{}: {e}", root.display()));
    for dir in dirs.flatten() {
        let path = dir.path();
        if !path.is_dir() {
            continue;
        }
        let tag = dir.file_name().to_string_lossy().into_owned();
        assert!(
            !tag.is_empty()
                && tag
                    .split('-')
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric())),
            "locales/{tag}: a directory name must be a BCP 47 tag such as `en` or `zh-TW`"
        );
        let mut files: Vec<PathBuf> = fs::read_dir(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .flatten()
            .map(|f| f.path())
            .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
            .collect();
        files.sort();
        if !files.is_empty() {
            langs.push((tag, files));
        }
    }
    langs.sort_by(|a, b| (a.0 != FIRST, a.0.as_str()).cmp(&(b.0 != FIRST, b.0.as_str())));
    let index = |tag: &str| {
        langs
            .iter()
            .position(|(t, _)| t == tag)
            .unwrap_or_else(|| panic!("locales/{tag}/*.ftl is missing"))
    };
    let (first, second) = (index(FIRST), index(SECOND));

    let mut out = String::new();
    out.push_str("/// Every language that has message files, zh-TW first (`locales/<tag>/`).\n");
    out.push_str("const LOCALE_TAGS: &[&str] = &[");
    for (tag, _) in &langs {
        let _ = write!(out, "{tag:?}, ");
    }
    out.push_str("];\n");
    out.push_str("/// The message files of each language of [`LOCALE_TAGS`]: (file name, text).\n");
    out.push_str("const LOCALE_SOURCES: &[&[(&str, &str)]] = &[\n");
    for (_, files) in &langs {
        out.push_str("    &[\n");
        for f in files {
            let name = f
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let abs = f.to_string_lossy();
            let _ = writeln!(out, "        ({name:?}, include_str!({abs:?})),");
        }
        out.push_str("    ],\n");
    }
    out.push_str("];\n");
    let _ = writeln!(
        out,
        "/// Index of zh-TW in [`LOCALE_TAGS`].\nconst LOCALE_ZH_TW: u8 = {first};"
    );
    let _ = writeln!(
        out,
        "/// Index of English in [`LOCALE_TAGS`].\nconst LOCALE_EN: u8 = {second};"
    );
    out.push_str(
        "/// Every language, in the order of [`LOCALE_TAGS`].\nconst LOCALE_ALL: &[Lang] = &[",
    );
    for i in 0..langs.len() {
        let _ = write!(out, "Lang({i}), ");
    }
    out.push_str("];\n");

    let dest =
        Path::new(&env::var("OUT_DIR").unwrap_or_else(|_| ".".to_owned())).join("locales.rs");
    fs::write(&dest, out).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
}
