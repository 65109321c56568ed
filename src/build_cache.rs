//! The no-op rebuild cache of `tm build`: when nothing a build reads has
//! changed since the last build into the same output dir, the site there is
//! already the one this build would write, so tm does not load, check,
//! render nor write anything.
//!
//! The key is a SHA-256 [`fingerprint`] of every input: tm's version, the
//! effective configuration (book.toml, environment overrides, the output
//! dir), the check options (the day expiries are judged on), git's HEAD,
//! and the path and content of every file of the project tree (respecting
//! `.gitignore`), plus the models and theme dirs walked in full. A change to
//! a model, the theme, the config, the code or tm itself changes the key.
//!
//! The record lives beside the output dir, in `.NAME.tm-cache`, and is never
//! trusted on its own (a pull request can commit any file): a hit also needs
//! the output dir to be the very directory tm installed there — its
//! identity, which a checkout cannot reproduce, and its files as tm left
//! them, both judged by [`OutputLock`] — and the replayed report to match the
//! hash recorded with it. A missing, corrupt, oversized or foreign record is
//! a miss: the build runs in full and writes a fresh one.

use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::check::CheckOptions;
use crate::config::Config;
use crate::history::git::Repo;
use crate::render::MARKER;
use crate::render::output_lock::{OutputLock, Replace};

/// The first line of a record; a change of format changes it.
const HEADER: &str = "tm-cache 1";
/// A record larger than this was not written by tm; it is ignored.
const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;

/// The SHA-256 of a build's inputs, in hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint(String);

/// What the last build printed and wrote, replayed on a hit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The findings report the build printed (warnings).
    pub report: String,
    /// How many models the site shows.
    pub models: usize,
    /// How many files were written.
    pub files: usize,
}

/// The record file of the output dir `dest`.
fn record_path(dest: &Path) -> Option<(PathBuf, String, PathBuf)> {
    let parent = dest.parent()?.to_path_buf();
    let name = dest.file_name()?.to_string_lossy().into_owned();
    let record = parent.join(format!(".{name}.tm-cache"));
    Some((parent, name, record))
}

/// The fingerprint of everything a build of `config` into `dest` reads.
pub fn fingerprint(config: &Config, options: &CheckOptions, dest: &Path) -> Fingerprint {
    let mut h = Sha256::new();
    let mut field = |label: &str, bytes: &[u8]| {
        h.update(label.as_bytes());
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    field("header", HEADER.as_bytes());
    field("version", env!("CARGO_PKG_VERSION").as_bytes());
    field("config", format!("{config:?}").as_bytes());
    field("options", format!("{options:?}").as_bytes());
    field("dest", dest.to_string_lossy().as_bytes());
    let head = match Repo::discover(&config.root) {
        Ok(Some(repo)) => repo.resolve("HEAD").unwrap_or_else(|e| format!("({e})")),
        Ok(None) => "(no repository)".to_owned(),
        Err(e) => format!("({e})"),
    };
    field("head", head.as_bytes());
    let (_, name, _) = record_path(dest).unwrap_or_default();
    let own = format!(".{name}.tm-");
    let mut walk = ignore::WalkBuilder::new(&config.root);
    let skip_dest = dest.to_path_buf();
    walk.hidden(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(move |e| {
            let n = e.file_name().to_string_lossy();
            let is_dest = e.file_type().is_some_and(|t| t.is_dir())
                && e.path().canonicalize().is_ok_and(|p| p == skip_dest);
            n != ".git" && !n.starts_with(&own) && !is_dest
        });
    for entry in walk.build() {
        match entry {
            Ok(e) => hash_file(&mut field, e.path()),
            Err(e) => field("walk-error", e.to_string().as_bytes()),
        }
    }
    // Read by tm even when git ignores them.
    let mut dirs = vec![config.models_dir()];
    dirs.extend(config.tm.theme.as_ref().map(|t| config.root.join(t)));
    for dir in dirs {
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            match entry {
                Ok(e) => hash_file(&mut field, e.path()),
                Err(e) => field("walk-error", e.to_string().as_bytes()),
            }
        }
    }
    let mut hex = String::with_capacity(64);
    for b in h.finalize() {
        let _ = write!(hex, "{b:02x}");
    }
    Fingerprint(hex)
}

/// Hashes one walked path: its name, kind and content (a link's target).
fn hash_file(field: &mut impl FnMut(&str, &[u8]), path: &Path) {
    field("path", path.to_string_lossy().as_bytes());
    match path.symlink_metadata() {
        Ok(m) if m.is_file() => match std::fs::read(path) {
            Ok(bytes) => field("file", &bytes),
            Err(e) => field("unreadable", e.to_string().as_bytes()),
        },
        Ok(m) if m.is_symlink() => {
            let target = std::fs::read_link(path).unwrap_or_default();
            field("link", target.to_string_lossy().as_bytes());
        }
        Ok(m) if m.is_dir() => field("dir", b""),
        Ok(_) => field("special", b""),
        Err(e) => field("missing", e.to_string().as_bytes()),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    let mut hex = String::with_capacity(64);
    for b in Sha256::digest(bytes) {
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

/// A parsed record.
#[derive(Debug, PartialEq, Eq)]
struct Record {
    fingerprint: String,
    site: String,
    models: usize,
    files: usize,
    report: String,
}

impl Record {
    fn render(&self) -> String {
        format!(
            "{HEADER}\nfingerprint {}\nsite {}\nmodels {}\nfiles {}\nreport-sha256 {}\n\n{}",
            self.fingerprint,
            self.site,
            self.models,
            self.files,
            sha256_hex(self.report.as_bytes()),
            self.report
        )
    }

    /// Parses a record; `None` for anything tm did not write as it is.
    fn parse(text: &str) -> Option<Record> {
        let (head, report) = text.split_once("\n\n")?;
        let mut lines = head.lines();
        if lines.next()? != HEADER {
            return None;
        }
        let mut value = |key: &str| {
            lines
                .next()?
                .strip_prefix(key)?
                .strip_prefix(' ')
                .map(str::to_owned)
        };
        let fingerprint = value("fingerprint")?;
        let site = value("site")?;
        let models = value("models")?.parse().ok()?;
        let files = value("files")?.parse().ok()?;
        let report_hash = value("report-sha256")?;
        if sha256_hex(report.as_bytes()) != report_hash {
            return None;
        }
        Some(Record {
            fingerprint,
            site,
            models,
            files,
            report: report.to_owned(),
        })
    }
}

fn read_record(path: &Path) -> Option<Record> {
    let meta = path.symlink_metadata().ok()?;
    if !meta.is_file() || meta.len() > MAX_RECORD_BYTES {
        return None;
    }
    let mut text = String::new();
    std::fs::File::open(path)
        .ok()?
        .take(MAX_RECORD_BYTES)
        .read_to_string(&mut text)
        .ok()?;
    Record::parse(&text)
}

/// The last build's outcome, if `dest` (absolute) still holds exactly the
/// site a build with this `fingerprint` wrote; `None` otherwise.
pub fn lookup(dest: &Path, fingerprint: &Fingerprint) -> Option<Hit> {
    let (parent, name, record) = record_path(dest)?;
    let rec = read_record(&record)?;
    if rec.fingerprint != fingerprint.0 {
        return None;
    }
    // Waits for a build writing there, then judges the directory itself.
    let lock = OutputLock::acquire(&parent, &name).ok()?;
    let id = crate::render::output_lock::dir_id(dest, MARKER)?;
    if lock.site.as_ref() != Some(&id)
        || id.as_str() != rec.site
        || lock.may_replace(dest, MARKER) != Replace::Yes
    {
        return None;
    }
    Some(Hit {
        report: rec.report,
        models: rec.models,
        files: rec.files,
    })
}

/// Records that `dest` (absolute) now holds the site built from inputs with
/// this `fingerprint`. Best effort: a failure only costs the next build its
/// shortcut.
pub fn store(dest: &Path, fingerprint: &Fingerprint, hit: &Hit) {
    let Some((parent, _, record)) = record_path(dest) else {
        return;
    };
    let Some(id) = crate::render::output_lock::dir_id(dest, MARKER) else {
        return;
    };
    let text = Record {
        fingerprint: fingerprint.0.clone(),
        site: id.as_str().to_owned(),
        models: hit.models,
        files: hit.files,
        report: hit.report.clone(),
    }
    .render();
    let temp = parent.join(format!(
        ".{}.tmp-{}",
        record.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    let _ = std::fs::remove_file(&temp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    let written = options
        .open(&temp)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()));
    if written.is_err() || std::fs::rename(&temp, &record).is_err() {
        let _ = std::fs::remove_file(&temp);
    }
}

/// Forgets the record of `dest`, so the next build runs in full.
pub fn forget(dest: &Path) {
    if let Some((_, _, record)) = record_path(dest) {
        let _ = std::fs::remove_file(record);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Record {
        Record {
            fingerprint: "ab".repeat(32),
            site: "1:2:3.000000000:4:5.000000000".to_owned(),
            models: 3,
            files: 12,
            report: "warning: x\n\nmore\n".to_owned(),
        }
    }

    #[test]
    fn a_record_reads_back_as_written() {
        let rec = sample();
        assert_eq!(Record::parse(&rec.render()), Some(rec));
    }

    #[test]
    fn a_tampered_or_truncated_record_is_a_miss() {
        let text = sample().render();
        assert_eq!(Record::parse(&text.replace("more", "m0re")), None);
        assert_eq!(Record::parse(&text[..text.len() - 3]), None);
        assert_eq!(Record::parse(&text.replace("models 3", "models x")), None);
        assert_eq!(Record::parse(&text.replace(HEADER, "tm-cache 0")), None);
        assert_eq!(Record::parse(""), None);
        assert_eq!(Record::parse("\u{0}\u{ff}garbage"), None);
    }

    #[test]
    fn a_record_that_is_a_link_or_huge_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::write(&real, sample().render()).unwrap();
        assert!(read_record(&real).is_some());
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(&real, &link).unwrap();
            assert!(read_record(&link).is_none());
        }
    }
}
