//! Every user-visible text lives in the message catalog (`crates/twnhi-texts/locales/`):
//! this test fails when a CJK character appears anywhere else in the product code.
//!
//! # What is scanned
//! `crates/*/src/**/*.rs`, `crates/*/build.rs`, every file under `crates/*/templates/` and
//! the pages, scripts and styles under `crates/*/assets/` (`.html`, `.js`, `.css`).
//! `tests/`, `benches/`, `examples/`, data files (`crates/*/data/`, the other files of
//! `assets/`) and the catalog (`crates/twnhi-texts/locales/`) are not scanned.
//!
//! # What is flagged
//! A CJK character (Han ideographs and their extensions and compatibility forms, radicals,
//! Bopomofo, CJK symbols and punctuation such as `，。「」【】`, CJK compatibility forms and
//! full-width/half-width forms such as `（）：！`) in Rust code or string and character
//! literals, in template text, or in an asset's markup, code or strings.
//!
//! # What is allowed
//! * Comments: `//`, `/* */` and doc comments (`///`, `//!`) may quote the manual.
//! * Test code: the item after `#[cfg(test)]` or `#[cfg(all(test, …))]` (usually
//!   `mod tests { … }`), and the file of a `#[cfg(test)] mod name;` declaration.
//! * Askama comments `{# … #}` in templates; comments of assets: `<!-- -->` in HTML,
//!   `/* */` in CSS and JavaScript, `//` in JavaScript.
//! * A line whose code ends with `// cjk-ok: <reason>`, or that follows a line holding only
//!   that comment: for vocabulary the code parses or a notation it defines (民國, 年,
//!   村/里), never for a sentence shown to a person.
//! * The files of [`NOT_YET_CONVERTED`], each with at most its listed number of lines with
//!   CJK: the crates whose texts are still to move into the catalog. The list may only
//!   shrink: a listed file that has become clean must be removed from it, and a listed file
//!   must not gain lines.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Files whose texts have not moved into the catalog yet, with their number of lines that
/// hold CJK today. Lower a number when you move texts out; remove the line when it reaches 0.
const NOT_YET_CONVERTED: &[(&str, usize)] = &[
    // ALLOW-LIST
];

/// Whether `c` is a CJK character in the sense of this check.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF     // CJK radicals, Kangxi radicals
        | 0x2FF0..=0x2FFF   // ideographic description characters
        | 0x3000..=0x303F   // CJK symbols and punctuation
        | 0x3100..=0x312F   // Bopomofo
        | 0x31A0..=0x31BF   // Bopomofo extended
        | 0x3400..=0x4DBF   // Han extension A
        | 0x4E00..=0x9FFF   // Han
        | 0xF900..=0xFAFF   // Han compatibility
        | 0xFE30..=0xFE4F   // CJK compatibility forms
        | 0xFF00..=0xFFEF   // full-width and half-width forms
        | 0x20000..=0x3134F // Han extensions B–G
    )
}

/// The workspace scanned: this one, or for the allow-list tool `CHECK_TEXTS_ROOT` (another
/// checkout).
fn workspace() -> PathBuf {
    std::env::var_os("CHECK_TEXTS_ROOT").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."),
        PathBuf::from,
    )
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Lines (1-based) of a Rust file with CJK outside comments and test code, and the files of
/// `#[cfg(test)] mod name;` declarations (module names).
fn scan_rust(src: &str) -> (BTreeSet<usize>, Vec<String>) {
    #[derive(PartialEq)]
    enum St {
        Code,
        LineComment,
        Block(u32),
        Str,
        Raw(usize),
        Char,
    }
    let chars: Vec<char> = src.chars().collect();
    let mut flagged = BTreeSet::new();
    let mut test_mods = Vec::new();
    let mut st = St::Code;
    let mut line = 1;
    let mut depth: i64 = 0;
    // The item after `#[cfg(test)]`: its depth, whether its first `{` was seen, its text.
    let mut test_item: Option<(i64, bool, String)> = None;
    let mut pending_test = false;
    let mut i = 0;
    let lines: Vec<&str> = src.lines().collect();
    let line_ok = |line: usize| {
        lines
            .get(line - 1)
            .is_some_and(|l| l.contains("// cjk-ok:"))
            || (line >= 2
                && lines
                    .get(line - 2)
                    .is_some_and(|l| l.trim_start().starts_with("// cjk-ok:")))
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied().unwrap_or('\0');
        if c == '\n' {
            line += 1;
        }
        let in_test = test_item.is_some();
        match st {
            St::Code => {
                if c == '/' && next == '/' {
                    st = St::LineComment;
                    i += 2;
                    continue;
                }
                if c == '/' && next == '*' {
                    st = St::Block(1);
                    i += 2;
                    continue;
                }
                let prev_ident = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
                if c == '"' {
                    st = St::Str;
                } else if c == 'r'
                    && (next == '"' || next == '#')
                    && (!prev_ident
                        || (i > 0
                            && chars[i - 1] == 'b'
                            && !(i > 1 && (chars[i - 2].is_alphanumeric() || chars[i - 2] == '_'))))
                {
                    let mut j = i + 1;
                    while chars.get(j) == Some(&'#') {
                        j += 1;
                    }
                    if chars.get(j) == Some(&'"') {
                        st = St::Raw(j - i - 1);
                        i = j + 1;
                        continue;
                    }
                } else if c == '\'' {
                    let after = chars.get(i + 2).copied().unwrap_or('\0');
                    if next == '\\' || after == '\'' {
                        st = St::Char;
                    }
                } else if c == '#'
                    && (src_starts(&chars, i, "#[cfg(test)]")
                        || src_starts(&chars, i, "#[cfg(all(test,"))
                {
                    pending_test = true;
                } else if c == '{' {
                    depth += 1;
                } else if c == '}' {
                    depth -= 1;
                    if let Some((d, true, _)) = &test_item
                        && depth == *d
                    {
                        test_item = None;
                    }
                } else if c == ';'
                    && let Some((d, false, text)) = &test_item
                    && depth == *d
                {
                    if let Some(name) = mod_decl(text) {
                        test_mods.push(name);
                    }
                    test_item = None;
                }
                if pending_test && c == ']' {
                    pending_test = false;
                    test_item = Some((depth, false, String::new()));
                    i += 1;
                    continue;
                }
                if let Some((d, opened, text)) = &mut test_item {
                    if c == '{' && depth == *d + 1 {
                        *opened = true;
                    }
                    if !*opened {
                        text.push(c);
                    }
                }
                if is_cjk(c) && !in_test && !line_ok(line) {
                    flagged.insert(line);
                }
            }
            St::LineComment => {
                if c == '\n' {
                    st = St::Code;
                }
            }
            St::Block(n) => {
                if c == '*' && next == '/' {
                    st = if n == 1 { St::Code } else { St::Block(n - 1) };
                    i += 2;
                    continue;
                }
                if c == '/' && next == '*' {
                    st = St::Block(n + 1);
                    i += 2;
                    continue;
                }
            }
            St::Str | St::Char => {
                if c == '\\' {
                    if next == '\n' {
                        line += 1;
                    }
                    i += 2;
                    continue;
                }
                if (st == St::Str && c == '"') || (st == St::Char && c == '\'') {
                    st = St::Code;
                } else if is_cjk(c) && !in_test && !line_ok(line) {
                    flagged.insert(line);
                }
            }
            St::Raw(hashes) => {
                if c == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
                    st = St::Code;
                    i += hashes + 1;
                    continue;
                }
                if is_cjk(c) && !in_test && !line_ok(line) {
                    flagged.insert(line);
                }
            }
        }
        i += 1;
    }
    (flagged, test_mods)
}

fn src_starts(chars: &[char], i: usize, s: &str) -> bool {
    s.chars()
        .enumerate()
        .all(|(k, c)| chars.get(i + k) == Some(&c))
}

/// `name` of an item text `pub(crate) mod name` (the `;` already cut).
fn mod_decl(text: &str) -> Option<String> {
    let mut words = text.split_whitespace().filter(|w| !w.starts_with("pub"));
    (words.next() == Some("mod"))
        .then(|| words.next().map(str::to_owned))
        .flatten()
}

/// Lines (1-based) of a template with CJK outside `{# … #}`.
fn scan_template(src: &str) -> BTreeSet<usize> {
    let mut flagged = BTreeSet::new();
    let mut in_comment = false;
    let mut line = 1;
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
        } else if !in_comment && c == '{' && chars.get(i + 1) == Some(&'#') {
            in_comment = true;
        } else if in_comment && c == '#' && chars.get(i + 1) == Some(&'}') {
            in_comment = false;
        } else if !in_comment && is_cjk(c) {
            flagged.insert(line);
        }
        i += 1;
    }
    flagged
}

/// Lines (1-based) of an asset with CJK outside comments: `<!-- -->` in HTML (`ext` `html`),
/// `/* */` in CSS and JavaScript, `//` in JavaScript (`js`). Strings are followed so that
/// `"wss://"` opens no comment; a backslash escapes the next character (also in a regular
/// expression, `/a\/b/`).
fn scan_asset(src: &str, ext: &str) -> BTreeSet<usize> {
    #[derive(PartialEq)]
    enum St {
        Code,
        LineComment,
        Block,
        Markup,
        Str(char),
    }
    let (html, js) = (ext == "html", ext == "js");
    let chars: Vec<char> = src.chars().collect();
    let mut flagged = BTreeSet::new();
    let mut st = St::Code;
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied().unwrap_or('\0');
        if c == '\n' {
            line += 1;
        }
        match st {
            St::Code if html => {
                if src_starts(&chars, i, "<!--") {
                    st = St::Markup;
                    i += 4;
                    continue;
                }
            }
            St::Code => {
                if c == '/' && next == '*' {
                    st = St::Block;
                    i += 2;
                    continue;
                }
                if js && c == '/' && next == '/' {
                    st = St::LineComment;
                    i += 2;
                    continue;
                }
                if c == '\\' {
                    i += 2;
                    continue;
                }
                if c == '"' || c == '\'' || (js && c == '`') {
                    st = St::Str(c);
                }
            }
            St::LineComment => {
                if c == '\n' {
                    st = St::Code;
                }
                i += 1;
                continue;
            }
            St::Block => {
                if c == '*' && next == '/' {
                    st = St::Code;
                    i += 2;
                } else {
                    i += 1;
                }
                continue;
            }
            St::Markup => {
                if src_starts(&chars, i, "-->") {
                    st = St::Code;
                    i += 3;
                } else {
                    i += 1;
                }
                continue;
            }
            St::Str(q) => {
                if c == '\\' {
                    if next == '\n' {
                        line += 1;
                    }
                    i += 2;
                    continue;
                }
                if c == q || (c == '\n' && q != '`') {
                    st = St::Code;
                }
            }
        }
        if is_cjk(c) {
            flagged.insert(line);
        }
        i += 1;
    }
    flagged
}

/// Every scanned file (relative to the workspace, `/`-separated) → lines with CJK.
fn findings() -> BTreeMap<String, BTreeSet<usize>> {
    let root = workspace();
    let mut found = BTreeMap::new();
    let Ok(crates) = fs::read_dir(root.join("crates")) else {
        panic!("no crates/ under {}", root.display());
    };
    for krate in crates.flatten() {
        let dir = krate.path();
        let mut rust = Vec::new();
        walk(&dir.join("src"), &mut rust);
        rust.retain(|p| p.extension().is_some_and(|e| e == "rs"));
        if dir.join("build.rs").is_file() {
            rust.push(dir.join("build.rs"));
        }
        let mut test_files = BTreeSet::new();
        let mut results = Vec::new();
        for p in &rust {
            let Ok(src) = fs::read_to_string(p) else {
                continue;
            };
            let (lines, mods) = scan_rust(&src);
            let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            let parent = p.parent().map(Path::to_path_buf).unwrap_or_default();
            let mod_dir = if matches!(stem, "mod" | "lib" | "main") {
                parent
            } else {
                parent.join(stem)
            };
            for m in mods {
                test_files.insert(mod_dir.join(format!("{m}.rs")));
                test_files.insert(mod_dir.join(&m).join("mod.rs"));
            }
            results.push((p.clone(), lines));
        }
        let mut templates = Vec::new();
        walk(&dir.join("templates"), &mut templates);
        for p in templates {
            if let Ok(src) = fs::read_to_string(&p) {
                results.push((p.clone(), scan_template(&src)));
            }
        }
        let mut assets = Vec::new();
        walk(&dir.join("assets"), &mut assets);
        for p in assets {
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            if matches!(ext, "html" | "js" | "css")
                && let Ok(src) = fs::read_to_string(&p)
            {
                results.push((p.clone(), scan_asset(&src, ext)));
            }
        }
        for (p, lines) in results {
            if lines.is_empty() || test_files.contains(&p) {
                continue;
            }
            let rel = p
                .strip_prefix(&root)
                .unwrap_or(&p)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            found.insert(rel, lines);
        }
    }
    found
}

#[test]
fn no_cjk_outside_the_catalog() {
    let found = findings();
    let allowed: BTreeMap<&str, usize> = NOT_YET_CONVERTED.iter().copied().collect();
    let mut problems = Vec::new();
    for (file, lines) in &found {
        match allowed.get(file.as_str()) {
            Some(&max) if lines.len() <= max => {}
            Some(&max) => problems.push(format!(
                "{file}: {} lines with CJK, at most {max} allowed (lines {lines:?}); move the new texts into crates/twnhi-texts/locales/",
                lines.len()
            )),
            None => problems.push(format!(
                "{file}: CJK outside the catalog at lines {lines:?}; move the texts into crates/twnhi-texts/locales/ (or mark parsed vocabulary `// cjk-ok: <reason>`)"
            )),
        }
    }
    for file in allowed.keys() {
        if !found.contains_key(*file) {
            problems.push(format!(
                "{file}: has no CJK any more (or is gone): remove it from NOT_YET_CONVERTED"
            ));
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn the_scanner_tells_code_from_comments_and_tests() {
    let src = "// 註解\n/// 文件\nfn a() -> &'static str { \"中文\" }\nlet c = '中';\nlet r = r#\"原\"#;\nlet x = 1; // cjk-ok: 民國\n/* 區塊 */\n#[cfg(test)]\nmod tests { fn t() { let _ = \"測試\"; } }\nfn b() { \"後\"; }\n#[cfg(test)]\nmod mock_tests;\n#[cfg(all(test, feature = \"x\"))]\nmod pg { fn t() { let _ = \"測試\"; } }\nfn c() { \"後\"; }\n";
    let (lines, mods) = scan_rust(src);
    assert_eq!(lines.into_iter().collect::<Vec<_>>(), vec![3, 4, 5, 10, 15]);
    assert_eq!(mods, vec!["mock_tests".to_owned()]);
    let t = scan_template("{# 註解 #}\n<p>中文</p>\n{{ t(\"x\") }}\n");
    assert_eq!(t.into_iter().collect::<Vec<_>>(), vec![2]);
    assert!(is_cjk('，') && is_cjk('【') && is_cjk('ㄅ') && is_cjk('：') && !is_cjk('※'));
    let js = "// 註解\nvar a = \"中\"; /* 區塊\n區塊 */ var u = \"wss://\" + '文';\nvar r = /a\\/b/; x(`樣板`);\n<!-- 文 -->\n";
    assert_eq!(
        scan_asset(js, "js").into_iter().collect::<Vec<_>>(),
        vec![2, 3, 4, 5]
    );
    let html = "<!-- 註解\n註解 -->\n<p>中文</p>\n<p>/* 文 */</p>\n";
    assert_eq!(
        scan_asset(html, "html").into_iter().collect::<Vec<_>>(),
        vec![3, 4]
    );
    let css = "/* 註解 */\np::before { content: \"文\"; }\n// 文\n";
    assert_eq!(
        scan_asset(css, "css").into_iter().collect::<Vec<_>>(),
        vec![2, 3]
    );
}

/// Prints the current findings as allow-list lines (`cargo test -p twnhi-account --test
/// no_cjk_outside_catalog -- --ignored --nocapture print_allow_list`).
#[test]
#[ignore = "a tool: prints the allow-list"]
fn print_allow_list() {
    for (file, lines) in findings() {
        println!("    ({file:?}, {}),", lines.len());
    }
}
