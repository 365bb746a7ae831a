//! Driving a terminal program through tmux: start it in a session, type with `send-keys`,
//! read the screen with `capture-pane`.

// Each test file uses a different part of this module.
#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux session running one command; killed when dropped.
pub struct Tmux {
    session: String,
}

impl Tmux {
    /// Runs `command` in a new 100×30 session, or returns `None` (saying so in one line)
    /// without tmux; in CI a missing tmux fails the test instead.
    pub fn start(name: &str, command: &str) -> Option<Tmux> {
        if !crate::tool::runs("tmux", &["-V"]) {
            crate::tool::unavailable("tmux", "scripts/setup installs it: apt-get install tmux");
            return None;
        }
        let session = format!("flam-{name}-{}", std::process::id());
        let ok = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                &session,
                "-x",
                "100",
                "-y",
                "30",
                command,
            ])
            .env_remove("TMUX")
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "tmux could not start");
        Some(Tmux { session })
    }

    /// What the terminal shows now.
    pub fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output();
        out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    }

    /// Presses keys (tmux names: `Down`, `C-s`, `F5`, `BSpace`).
    pub fn keys(&self, keys: &[&str]) {
        let _ = Command::new("tmux")
            .args(["send-keys", "-t", &self.session])
            .args(keys)
            .status();
    }

    /// Types text literally.
    pub fn type_text(&self, text: &str) {
        let _ = Command::new("tmux")
            .args(["send-keys", "-t", &self.session, "-l", text])
            .status();
    }

    /// Pastes text as a terminal does when the program asked for bracketed paste: tmux sends
    /// it between the paste markers, each line break as a carriage return.
    pub fn paste(&self, text: &str) {
        let buffer = format!("{}-paste", self.session);
        let _ = Command::new("tmux")
            .args(["set-buffer", "-b", &buffer, text])
            .status();
        let _ = Command::new("tmux")
            .args([
                "paste-buffer",
                "-p",
                "-d",
                "-b",
                &buffer,
                "-t",
                &self.session,
            ])
            .status();
    }

    /// Waits until the screen shows `what`, or fails showing the screen it saw.
    pub fn wait_for(&self, what: &str) -> String {
        self.wait_until(&format!("{what:?}"), |screen| screen.contains(what))
    }

    /// Waits until `seen` holds for the screen, or fails naming `what` and showing the screen.
    pub fn wait_until(&self, what: &str, seen: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if seen(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "never saw {what}; the screen was:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// Waits until the status line confirms a save and the unsaved marker is gone. (Waiting
    /// for "saved" alone is satisfied at once by "● unsaved", before the save has happened.)
    pub fn wait_saved(&self) -> String {
        self.wait_until("the save confirmed", |screen| {
            screen.contains(" saved /") && !screen.contains("unsaved")
        })
    }
}

/// The bar number the "this bar" grid shows, from its title ("this bar ─ bar 7").
pub fn grid_bar(screen: &str) -> Option<u32> {
    let (_, rest) = screen.split_once("this bar ─ bar ")?;
    rest.split_whitespace().next()?.parse().ok()
}

/// How many hits the "this bar" grid shows for `track` (the velocity blocks of its row, or
/// of all its rows when a drum track has one per sound).
pub fn grid_hits(screen: &str, track: &str) -> usize {
    let row = format!("│{track} ");
    screen
        .lines()
        .filter_map(|line| line.split_once(&row).map(|(_, rest)| rest))
        .map(|rest| rest.chars().filter(|c| ('▁'..='█').contains(c)).count())
        .sum()
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.session])
            .status();
    }
}

/// The pid of the `flam live` process started for `song`, found by its exact command line
/// (so the shell around it inside tmux is not the one found).
pub fn flam_live_pid(song: &std::path::Path) -> String {
    let pattern = format!("^{} live {}", env!("CARGO_BIN_EXE_flam"), song.display());
    let out = Command::new("pgrep").args(["-f", &pattern]).output();
    out.map(|o| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    })
    .unwrap_or_default()
}
