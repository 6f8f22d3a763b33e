//! The help of `twnhi` (`--help`, `-h`, `twnhi help …`) from the message catalog
//! (`locales/<tag>/cli-help.ftl`).
//!
//! [`localized`] takes the command clap's derive builds and sets the help of every command and
//! argument from the catalog entry named after its place in the tree: `cli-help` for `twnhi`,
//! `cli-help-card-read` for `twnhi card read`, `cli-help-card-read--wait` for its argument
//! `wait` (the argument's id, `_` written `-`). An argument is looked up from its command up
//! to `twnhi`, so an argument shared by a family of commands is written once
//! (`cli-help-admin--db` serves `--db` of every `twnhi admin …` command) unless a nearer entry
//! exists. A command or argument without an entry keeps the help the derive gave it.
//!
//! An entry's value is the one-line help, `.long` the long help when it says more, `.label` a
//! short label. The help prints both languages as the CLI always has: a labelled entry as
//! the zh-TW label then the English help, an entry without a label in English only.

use clap::builder::{Resettable, StyledStr};
use clap::{Arg, Command};
use twnhi_account::messages::{self, Lang};

/// The prefix of every catalog id of the help.
const PREFIX: &str = "cli-help";

/// `cmd` with the help of every command and argument in it taken from the catalog.
pub fn localized(cmd: Command) -> Command {
    localize(cmd, &mut vec![PREFIX.to_owned()])
}

/// `cmd` at `path` (the catalog ids of the command and its parents, outermost first).
fn localize(mut cmd: Command, path: &mut Vec<String>) -> Command {
    let id = path.last().cloned().unwrap_or_default();
    if let Some((about, long)) = help(&id) {
        cmd = cmd.about(about).long_about(long);
    }
    let args: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().as_str().to_owned())
        .collect();
    for arg in args {
        if let Some((short, long)) = arg_id(path, &arg).and_then(|id| help(&id)) {
            cmd = cmd.mut_arg(&arg, |a: Arg| a.help(short).long_help(long));
        }
    }
    let subcommands: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in subcommands {
        path.push(format!("{id}-{name}"));
        cmd = cmd.mut_subcommand(&name, |s| localize(s, path));
        path.pop();
    }
    cmd
}

/// The catalog id of argument `arg` of the command at `path`: the nearest of the command's
/// entry and its parents' that the catalog has.
fn arg_id(path: &[String], arg: &str) -> Option<String> {
    let arg = arg.replace('_', "-");
    path.iter()
        .rev()
        .map(|command| format!("{command}--{arg}"))
        .find(|id| messages::has(Lang::En, id))
}

/// The one-line and the long help of catalog entry `id`, when the catalog has it: the zh-TW
/// label (if the entry has one) then the English text. No long help resets the one the derive
/// may have given: the catalog's entry is the whole help.
fn help(id: &str) -> Option<(String, Resettable<StyledStr>)> {
    if !messages::has(Lang::En, id) {
        return None;
    }
    let label = format!("{id}.label");
    let label = messages::has(Lang::ZhTw, &label).then(|| messages::text(Lang::ZhTw, &label));
    let labelled = |text: String| match &label {
        Some(label) => format!("{label} {text}"),
        None => text,
    };
    let long = format!("{id}.long");
    let long = messages::has(Lang::En, &long).then(|| labelled(messages::text(Lang::En, &long)));
    let long = long.map_or(Resettable::Reset, |l| Resettable::Value(l.into()));
    Some((labelled(messages::text(Lang::En, id)), long))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use std::collections::BTreeSet;

    /// Commands whose help comes from another part of the catalog: `twnhi bridge` builds its
    /// own (`cli-bridge-about`, `cli-bridge-long-about` in cli.ftl).
    const ELSEWHERE: &[(&str, &str)] = &[("cli-help-bridge", "cli-bridge-about")];

    /// The commands and arguments of the CLI.
    #[derive(Default)]
    struct Tree {
        /// Every command: its catalog id and its one-line help.
        commands: Vec<(String, String)>,
        /// Every argument: its own catalog id and the id it takes its help from (`None` when
        /// no entry serves it).
        args: Vec<(String, Option<String>)>,
    }

    /// Every command and argument in `cmd` at `path`.
    fn walk(cmd: &Command, path: &mut Vec<String>, tree: &mut Tree) {
        let id = path.last().cloned().unwrap_or_default();
        let about = cmd.get_about().map(ToString::to_string).unwrap_or_default();
        tree.commands.push((id.clone(), about));
        for a in cmd.get_arguments() {
            let name = format!("{id}--{}", a.get_id().as_str().replace('_', "-"));
            tree.args.push((name, arg_id(path, a.get_id().as_str())));
        }
        for s in cmd.get_subcommands() {
            path.push(format!("{id}-{}", s.get_name()));
            walk(s, path, tree);
            path.pop();
        }
    }

    /// The ids of the help's entries in the catalog file of `lang`.
    fn catalog_ids(lang: Lang) -> BTreeSet<String> {
        lang.sources()
            .iter()
            .flat_map(|(_, source)| source.lines())
            .filter_map(|line| line.split_once(" ="))
            .map(|(id, _)| id)
            .filter(|id| *id == PREFIX || id.starts_with("cli-help-"))
            .map(str::to_owned)
            .collect()
    }

    fn tree() -> Tree {
        let mut tree = Tree::default();
        let cmd = localized(crate::Cli::command());
        walk(&cmd, &mut vec![PREFIX.to_owned()], &mut tree);
        tree
    }

    #[test]
    fn every_command_and_argument_has_help_in_the_catalog() {
        let Tree { commands, args } = tree();
        for (id, about) in &commands {
            match ELSEWHERE.iter().find(|(c, _)| c == id) {
                Some((_, other)) => assert_eq!(about, &crate::texts::pair(other), "{id}"),
                None => assert!(messages::has(Lang::En, id), "no catalog entry `{id}`"),
            }
        }
        for (arg, from) in &args {
            assert!(from.is_some(), "no catalog entry for `{arg}`");
        }
    }

    #[test]
    fn every_entry_of_the_catalog_is_a_command_or_argument() {
        let Tree { commands, args } = tree();
        let used: BTreeSet<String> = commands
            .into_iter()
            .map(|(id, _)| id)
            .chain(args.into_iter().filter_map(|(_, from)| from))
            .collect();
        for &lang in Lang::ALL {
            let ids = catalog_ids(lang);
            assert!(!ids.is_empty(), "{lang}: no help entries");
            let orphans: Vec<_> = ids.difference(&used).collect();
            assert!(
                orphans.is_empty(),
                "{lang}: entries of no command or argument: {orphans:?}"
            );
        }
        for (id, _) in ELSEWHERE {
            assert!(!messages::has(Lang::En, id), "`{id}` would be ignored");
        }
    }

    #[test]
    fn the_help_joins_the_zh_tw_label_and_the_english_text() {
        let cmd = localized(crate::Cli::command());
        let read = cmd
            .find_subcommand("card")
            .and_then(|c| c.find_subcommand("read"))
            .expect("twnhi card read");
        let about = read
            .get_about()
            .map(ToString::to_string)
            .unwrap_or_default();
        assert_eq!(
            about,
            format!(
                "{} {}",
                messages::text(Lang::ZhTw, "cli-help-card-read.label"),
                messages::text(Lang::En, "cli-help-card-read")
            )
        );
        let long = read
            .get_long_about()
            .map(ToString::to_string)
            .unwrap_or_default();
        assert!(
            long.starts_with(&about) && long.len() > about.len(),
            "{long}"
        );
        let json = read
            .get_arguments()
            .find(|a| a.get_id() == "json")
            .and_then(Arg::get_help)
            .map(ToString::to_string);
        assert_eq!(
            json,
            Some(messages::text(Lang::En, "cli-help-card-read--json"))
        );
    }
}
