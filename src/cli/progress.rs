//! A progress line for work that takes more than a second (loading and
//! indexing a big tree, reading git history): on stderr, only when stderr
//! is a terminal, not in CI, not with `--quiet`; cleared when the work ends,
//! so pipes and logs never see it.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long work runs before the line appears.
const DELAY: Duration = Duration::from_secs(1);

/// A running progress line; dropping it stops and clears it.
#[derive(Debug)]
pub struct Progress {
    done: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// Whether a progress line may be drawn: stderr is a terminal, this is not
/// CI, the terminal is not `dumb`, and the user did not ask for quiet.
pub fn wanted() -> bool {
    std::io::stderr().is_terminal()
        && std::env::var_os("CI").is_none()
        && !std::env::var("TERM").is_ok_and(|t| t == "dumb")
        && super::output::verbosity() > super::output::Verbosity::Quiet
}

impl Progress {
    /// Starts a line saying `what` (tm's own text) with the elapsed seconds,
    /// shown after [`DELAY`] if the work is still running.
    pub fn start(what: &'static str) -> Progress {
        let done = Arc::new(AtomicBool::new(false));
        if !wanted() {
            return Progress { done, thread: None };
        }
        let flag = Arc::clone(&done);
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            let mut shown = false;
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                let elapsed = started.elapsed();
                if elapsed >= DELAY && !flag.load(Ordering::Relaxed) {
                    eprint!("\r\x1b[2K{what}… {:.1} s", elapsed.as_secs_f32());
                    let _ = std::io::stderr().flush();
                    shown = true;
                }
            }
            if shown {
                eprint!("\r\x1b[2K");
                let _ = std::io::stderr().flush();
            }
        });
        Progress {
            done,
            thread: Some(thread),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_terminal_no_thread_is_started() {
        // Test runners capture stderr: not a terminal.
        if std::io::stderr().is_terminal() {
            return;
        }
        let p = Progress::start("working");
        assert!(p.thread.is_none());
    }
}
