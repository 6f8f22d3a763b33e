//! 最新公告: announcements from a text file the operator edits; the site re-reads it when it
//! changes (looked at most every few seconds).
//!
//! The format — one announcement per header line `[YYYY-MM-DD] title`, its text below,
//! paragraphs separated by blank lines; lines starting with `#` before the first header are
//! comments:
//!
//! ```text
//! # 最新公告 — newest first or not, the site sorts by date
//! [2024-05-01] 系統維護公告 System maintenance
//! 本系統將於5月4日 02:00-04:00 進行維護，暫停服務。
//!
//! The system will be down for maintenance on 4 May, 02:00-04:00.
//! ```

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use chrono::NaiveDate;
use twnhi_account::roc::RocDate;

use crate::templates::NewsView;

/// How often the file's modification time is looked at.
const RECHECK: Duration = Duration::from_secs(3);
/// At most this many announcements are kept (the rest of a huge file is ignored).
const MAX_ITEMS: usize = 200;
/// Files larger than this are not read.
const MAX_FILE: u64 = 512 * 1024;

/// One announcement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Announcement {
    /// The date of the header line.
    pub date: NaiveDate,
    /// The title.
    pub title: String,
    /// The paragraphs of the text.
    pub paragraphs: Vec<String>,
}

/// Parses the announcements file; malformed header lines are skipped (logged). Sorted newest
/// first.
#[must_use]
pub fn parse(text: &str) -> Vec<Announcement> {
    let mut out: Vec<Announcement> = Vec::new();
    let mut para = String::new();
    let flush = |out: &mut Vec<Announcement>, para: &mut String| {
        if let Some(last) = out.last_mut()
            && !para.trim().is_empty()
        {
            last.paragraphs.push(para.trim().to_owned());
        }
        para.clear();
    };
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix('[')
            && let Some((date, title)) = rest.split_once(']')
            && let Ok(date) = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
        {
            flush(&mut out, &mut para);
            if out.len() >= MAX_ITEMS {
                break;
            }
            out.push(Announcement {
                date,
                title: title.trim().chars().take(200).collect(),
                paragraphs: Vec::new(),
            });
            continue;
        }
        if out.is_empty() {
            continue; // comments and text before the first header
        }
        if trimmed.is_empty() {
            flush(&mut out, &mut para);
        } else {
            if !para.is_empty() {
                para.push(' ');
            }
            para.push_str(trimmed);
        }
    }
    flush(&mut out, &mut para);
    out.sort_by_key(|a| std::cmp::Reverse(a.date));
    out
}

impl Announcement {
    pub(crate) fn view(&self, i: usize) -> NewsView {
        NewsView {
            anchor: format!("news-{}-{i}", self.date.format("%Y%m%d")),
            date_roc: RocDate::from_naive(self.date)
                .map_or_else(|_| self.date.to_string(), RocDate::format_slash),
            date_iso: self.date.format("%Y-%m-%d").to_string(),
            title: self.title.clone(),
            paragraphs: self.paragraphs.clone(),
        }
    }
}

#[derive(Debug, Default)]
struct Cache {
    checked: Option<Instant>,
    modified: Option<SystemTime>,
    items: Vec<Announcement>,
}

/// The announcements file, cached.
#[derive(Debug)]
pub(crate) struct NewsFile {
    path: Option<PathBuf>,
    cache: Mutex<Cache>,
}

impl NewsFile {
    pub(crate) fn new(path: Option<PathBuf>) -> Self {
        NewsFile {
            path,
            cache: Mutex::new(Cache::default()),
        }
    }

    /// The announcements, newest first.
    pub(crate) fn items(&self) -> Vec<Announcement> {
        let Some(path) = &self.path else {
            return Vec::new();
        };
        let mut cache = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        if cache
            .checked
            .is_some_and(|t| now.saturating_duration_since(t) < RECHECK)
        {
            return cache.items.clone();
        }
        cache.checked = Some(now);
        match std::fs::metadata(path) {
            Ok(meta) if meta.len() <= MAX_FILE => {
                let modified = meta.modified().ok();
                if modified.is_none() || modified != cache.modified {
                    match std::fs::read_to_string(path) {
                        Ok(text) => {
                            cache.items = parse(&text);
                            cache.modified = modified;
                        }
                        Err(e) => tracing::warn!(error = %e, "cannot read the announcements file"),
                    }
                }
            }
            Ok(_) => tracing::warn!("the announcements file is larger than 512 KiB; ignored"),
            Err(e) => {
                if cache.modified.is_some() || !cache.items.is_empty() {
                    tracing::warn!(error = %e, "the announcements file disappeared");
                }
                cache.items.clear();
                cache.modified = None;
            }
        }
        cache.items.clone()
    }

    /// The latest title (the ticker under the header).
    pub(crate) fn latest_title(&self) -> Option<String> {
        self.path.as_ref()?;
        self.items().first().map(|a| a.title.clone())
    }

    pub(crate) fn views(&self, limit: usize) -> Vec<NewsView> {
        self.items()
            .iter()
            .take(limit)
            .enumerate()
            .map(|(i, a)| a.view(i))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_sorts() {
        let text = "# comment\nignored\n[2024-04-20] 舊公告 Old\nline one\nline two\n\nsecond para\n[2024-05-01] 新公告 New\n\nbody\n[bad] not a header\n";
        let items = parse(text);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].title, "新公告 New");
        assert_eq!(items[0].paragraphs, vec!["body [bad] not a header"]);
        assert_eq!(
            items[1].paragraphs,
            vec!["line one line two", "second para"]
        );
        assert_eq!(items[1].view(0).date_roc, "113/04/20");
    }

    #[test]
    fn file_changes_are_seen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("news.txt");
        let f = NewsFile::new(Some(path.clone()));
        assert!(f.items().is_empty());
        std::fs::write(&path, "[2024-05-01] 公告 A\n").unwrap();
        f.cache.lock().unwrap().checked = None;
        assert_eq!(f.latest_title().as_deref(), Some("公告 A"));
        assert!(NewsFile::new(None).latest_title().is_none());
    }
}
