//! What the preview watches, and the debounced loop that rebuilds: the
//! project dir itself (book.toml), the models, the theme and the source
//! roots. An editor's save is a burst of events: the loop waits for 100 ms
//! of quiet before it rebuilds once.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use notify::{Event, EventKind, RecursiveMode, Watcher};

use crate::config::Config;

/// How long the files must be quiet before a rebuild.
pub const DEBOUNCE: Duration = Duration::from_millis(100);

/// A watched path and whether its subdirectories are watched too.
pub type Watch = (PathBuf, bool);

/// The paths a project's preview depends on, that exist.
pub fn watched_paths(config: &Config) -> BTreeSet<Watch> {
    let root = &config.root;
    let mut paths = BTreeSet::from([(root.clone(), false), (config.models_dir(), true)]);
    if let Some(theme) = &config.tm.theme {
        paths.insert((root.join(theme), true));
    }
    for source in &config.tm.source_roots {
        paths.insert((root.join(source), true));
    }
    paths.retain(|(p, _)| p.exists());
    paths
}

/// Whether an event can change the site: a write, creation, removal or
/// rename, not a read, and not inside the output dir, `.git` or `target`
/// (a build there must not trigger another).
pub fn is_relevant(event: &Event, output_dir: &Path) -> bool {
    if matches!(event.kind, EventKind::Access(_)) {
        return false;
    }
    event.paths.iter().any(|p| {
        !p.starts_with(output_dir)
            && !p
                .components()
                .any(|c| matches!(c, Component::Normal(n) if n == ".git" || n == "target"))
    })
}

/// Makes `watcher` watch exactly `wanted` (adding and removing the
/// difference from `current`); a path that cannot be watched is reported
/// and skipped.
pub fn rewatch(watcher: &mut impl Watcher, current: &mut BTreeSet<Watch>, wanted: BTreeSet<Watch>) {
    for (path, _) in current.difference(&wanted) {
        let _ = watcher.unwatch(path);
    }
    for (path, recursive) in wanted.difference(current) {
        let mode = if *recursive {
            RecursiveMode::Recursive
        } else {
            RecursiveMode::NonRecursive
        };
        if let Err(e) = watcher.watch(path, mode) {
            eprintln!(
                "warning: cannot watch {}: {e}",
                crate::terminal::escape_line(&path.display().to_string())
            );
        }
    }
    *current = wanted;
}

/// Waits for the next change worth a rebuild, then for the burst to end.
/// `None` when the watcher is gone.
pub fn next_change(events: &Receiver<notify::Result<Event>>, output_dir: &Path) -> Option<()> {
    loop {
        match events.recv().ok()? {
            Ok(event) if is_relevant(&event, output_dir) => break,
            _ => continue,
        }
    }
    loop {
        match events.recv_timeout(DEBOUNCE) {
            Ok(_) => continue,
            Err(RecvTimeoutError::Timeout) => return Some(()),
            Err(RecvTimeoutError::Disconnected) => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, ModifyKind};

    fn event(kind: EventKind, path: &str) -> Event {
        Event::new(kind).add_path(PathBuf::from(path))
    }

    #[test]
    fn writes_count_but_reads_and_build_output_do_not() {
        let out = Path::new("/p/book");
        let write = EventKind::Modify(ModifyKind::Any);
        assert!(is_relevant(&event(write, "/p/models/a.yaml"), out));
        assert!(!is_relevant(&event(write, "/p/book/index.html"), out));
        assert!(!is_relevant(&event(write, "/p/.git/index"), out));
        assert!(!is_relevant(&event(write, "/p/src/target/x"), out));
        let read = EventKind::Access(AccessKind::Any);
        assert!(!is_relevant(&event(read, "/p/models/a.yaml"), out));
    }
}
