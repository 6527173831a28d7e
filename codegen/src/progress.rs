//! Progress of a long run, on a terminal only: CI logs and pipes stay quiet.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Counts items done and redraws one status line on stderr.
pub struct Progress {
    shown: bool,
    label: Mutex<String>,
    total: AtomicUsize,
    done: AtomicUsize,
}

impl Progress {
    /// Shown when stderr is a terminal and `CI` is not set.
    pub fn on_terminal() -> Progress {
        let shown = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        Progress {
            shown,
            ..Progress::hidden()
        }
    }

    pub fn hidden() -> Progress {
        Progress {
            shown: false,
            label: Mutex::new(String::new()),
            total: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
        }
    }

    /// Starts a phase of `total` items.
    pub fn phase(&self, label: &str, total: usize) {
        if let Ok(mut current) = self.label.lock() {
            *current = label.to_string();
        }
        self.total.store(total, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
        self.draw(0);
    }

    pub fn tick(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let total = self.total.load(Ordering::Relaxed);
        // A redraw every 1% is plenty, and keeps the lock off the hot path.
        if done == total || done.is_multiple_of((total / 100).max(1)) {
            self.draw(done);
        }
    }

    /// Clears the status line.
    pub fn finish(&self) {
        if self.shown {
            eprint!("\r\x1b[2K");
        }
    }

    fn draw(&self, done: usize) {
        if !self.shown {
            return;
        }
        let total = self.total.load(Ordering::Relaxed);
        if let Ok(label) = self.label.lock() {
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "\r\x1b[2K{label} {done}/{total}");
            let _ = stderr.flush();
        }
    }
}
