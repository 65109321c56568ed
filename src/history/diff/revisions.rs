//! The diff of two fully checked revisions: the models' semantic diff, plus
//! what only a full check shows — `book.toml` policy changes and new
//! unmodelled entry points — and links from threats to their lines.

use std::collections::BTreeMap;
use std::path::Path;

use super::checkout::CheckedRevision;
use super::settings::compare_configs;
use super::{Change, SemanticDiff, Summary, diff_snapshots};
use crate::code::EntryPoint;
use crate::diagnostic::Rule;

/// Where the head's files are in the repository, for `source-url` links.
#[derive(Debug, Clone, Default)]
pub struct HeadLocation {
    /// The commit the head's files are at (the working tree's HEAD).
    pub commit: Option<String>,
    /// The project root relative to the top of the work tree (`""` or `sub/dir/`).
    pub prefix: String,
}

/// Compares two checked revisions; threat ids link to their line in the
/// head when `source-url` is set.
pub fn diff_revisions(
    base: &CheckedRevision,
    head: &CheckedRevision,
    location: &HeadLocation,
) -> SemanticDiff {
    let mut diff = diff_snapshots(&base.snapshot, &head.snapshot);
    let (old_config, new_config) = (&base.snapshot.project.config, &head.snapshot.project.config);
    let mut project = compare_configs(old_config, new_config);
    let severity = new_config.severity_of(Rule::UnmodelledEntryPoint);
    // A project that switched TM503 off does not want entry points listed;
    // switching it off in this diff is itself a relaxed policy.
    let unmodelled: &[EntryPoint] = if severity == crate::diagnostic::Severity::Off {
        &[]
    } else {
        &head.code.unmodelled
    };
    project.extend(
        new_entry_points(&base.code.unmodelled, unmodelled)
            .into_iter()
            .map(|e| Change::EntryPointUnmodelled {
                file: e.file.to_string_lossy().replace('\\', "/"),
                line: e.span.line,
                what: e.what.to_owned(),
                symbol: e.symbol.clone(),
                severity,
            }),
    );
    let silenced_before: Vec<EntryPoint> = base
        .code
        .suppressed
        .iter()
        .map(|s| s.entry.clone())
        .collect();
    let silenced_now: Vec<EntryPoint> = head
        .code
        .suppressed
        .iter()
        .map(|s| s.entry.clone())
        .collect();
    for e in new_entry_points(&silenced_before, &silenced_now) {
        let by = head
            .code
            .suppressed
            .iter()
            .find(|s| &s.entry == e)
            .map(|s| s.by.clone())
            .unwrap_or_default();
        project.push(Change::EntryPointSilenced {
            file: e.file.to_string_lossy().replace('\\', "/"),
            line: e.span.line,
            what: e.what.to_owned(),
            symbol: e.symbol.clone(),
            by,
        });
    }
    project.append(&mut diff.project);
    diff.project = project;
    attribute_to_policy(&mut diff, old_config, new_config);
    if let Some(template) = &new_config.tm.source_url {
        for m in &mut diff.models {
            let Some(loaded) = head.snapshot.project.model(&m.model) else {
                continue;
            };
            m.links = threat_links(loaded, m.changes.iter(), template, location);
        }
    }
    diff.summary = Summary::of(&diff);
    diff
}

/// Findings that went away or changed severity only because `book.toml`
/// lowered their rule are no fix: they are dropped from the models' changes
/// and counted on the rule's policy change instead (each fact once, and no
/// ✅ for a check switched off).
fn attribute_to_policy(diff: &mut SemanticDiff, old: &crate::Config, new: &crate::Config) {
    let lowered: Vec<&'static str> = Rule::ALL
        .iter()
        .filter(|r| new.severity_of(**r) < old.severity_of(**r))
        .map(|r| r.code())
        .collect();
    if lowered.is_empty() {
        return;
    }
    let mut silenced: BTreeMap<String, usize> = BTreeMap::new();
    let mut keep = |c: &Change| match c {
        Change::FindingFixed(f) if lowered.contains(&f.rule.as_str()) => {
            *silenced.entry(f.rule.clone()).or_default() += 1;
            false
        }
        Change::FindingIntroduced(f) if lowered.contains(&f.rule.as_str()) => false,
        _ => true,
    };
    diff.project.retain(&mut keep);
    for m in &mut diff.models {
        m.changes.retain(&mut keep);
    }
    diff.models.retain(|m| !m.changes.is_empty());
    for c in &mut diff.project {
        if let Change::ConfigChanged {
            key, silenced: n, ..
        } = c
            && let Some(code) = key.strip_prefix("rules.").and_then(|k| k.split(' ').next())
        {
            *n = silenced.get(code).copied().unwrap_or(0);
        }
    }
}

/// The entry points of `head` that `base` did not have, compared by file,
/// detector, item and description (not by line: code added above one is no
/// new entry point), counting duplicates.
fn new_entry_points<'a>(base: &[EntryPoint], head: &'a [EntryPoint]) -> Vec<&'a EntryPoint> {
    type Key<'k> = (&'k Path, &'static str, Option<&'k str>, &'static str);
    let key = |e: &'a EntryPoint| -> Key<'a> {
        (e.file.as_path(), e.detector, e.symbol.as_deref(), e.what)
    };
    let mut seen: BTreeMap<Key, usize> = BTreeMap::new();
    for e in base {
        *seen
            .entry((e.file.as_path(), e.detector, e.symbol.as_deref(), e.what))
            .or_default() += 1;
    }
    let mut out = Vec::new();
    for e in head {
        match seen.get_mut(&key(e)) {
            Some(n) if *n > 0 => *n -= 1,
            _ => out.push(e),
        }
    }
    out
}

/// Links to the line of each threat that `changes` name, in the head model.
fn threat_links<'c>(
    loaded: &crate::LoadedModel,
    changes: impl Iterator<Item = &'c Change>,
    template: &str,
    location: &HeadLocation,
) -> BTreeMap<String, String> {
    // `{path}` in a blob URL is relative to the top of the repository.
    let path = Path::new(&location.prefix).join(&loaded.file);
    let mut links = BTreeMap::new();
    for id in changes.filter_map(Change::threat) {
        let Some(index) = loaded.model.threats.iter().position(|t| &t.id == id) else {
            continue;
        };
        let line = loaded.span_at(&["threats", &index.to_string()]).line;
        if let Some(url) =
            crate::code::source_url(template, location.commit.as_deref(), &path, Some(line))
        {
            links.insert(id.to_string(), url);
        }
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::EntryKind;
    use crate::diagnostic::Span;

    fn entry(file: &str, line: u32) -> EntryPoint {
        EntryPoint {
            file: file.into(),
            span: Span {
                line,
                column: 1,
                offset: 0,
                len: 1,
            },
            detector: "main",
            kind: EntryKind::Main,
            what: "`main`",
            symbol: Some("app::main".into()),
            marker: None,
            route: None,
        }
    }

    #[test]
    fn a_moved_line_is_no_new_entry_point_but_a_renamed_file_is() {
        let base = [entry("src/main.rs", 3)];
        assert!(new_entry_points(&base, &[entry("src/main.rs", 9)]).is_empty());
        let renamed = [entry("src/bin.rs", 3)];
        assert_eq!(new_entry_points(&base, &renamed).len(), 1);
        let twice = [entry("src/main.rs", 3), entry("src/main.rs", 9)];
        assert_eq!(new_entry_points(&base, &twice).len(), 1);
    }
}
