//! `flam live` in a real terminal: tmux runs it, `send-keys` types, `capture-pane` reads.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    session: String,
    dir: PathBuf,
}

impl Tmux {
    fn start(name: &str, song: &str) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("tmux is not installed; skipping (scripts/setup installs it)");
            return None;
        }
        let session = format!("flam-{name}-{}", std::process::id());
        let dir = std::env::temp_dir().join(&session);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("jam.flam"), song).unwrap();
        let command = format!(
            "{} live {}; echo FLAM-EXITED $?; sleep 60",
            env!("CARGO_BIN_EXE_flam"),
            dir.join("jam.flam").display()
        );
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
                &command,
            ])
            .env_remove("TMUX")
            .status()
            .unwrap()
            .success();
        assert!(ok, "tmux could not start");
        Some(Tmux { session, dir })
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        Command::new("tmux")
            .args(["send-keys", "-t", &self.session])
            .args(keys)
            .status()
            .unwrap();
    }

    fn type_text(&self, text: &str) {
        Command::new("tmux")
            .args(["send-keys", "-t", &self.session, "-l", text])
            .status()
            .unwrap();
    }

    /// Waits until the screen shows `what`, or fails with the screen it saw.
    fn wait_for(&self, what: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(what) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "never saw {what:?}; the screen was:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn song_path(&self) -> PathBuf {
        self.dir.join("jam.flam")
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.session])
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const SONG: &str =
    "tempo 120\n\ntrack kick\n  play \"bd ~ bd ~\"\n\ntrack snare\n  play \"~ sn ~ sn\"\n";

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn editing_marking_errors_saving_and_quitting_in_a_real_terminal() {
    let Some(t) = Tmux::start("edit", SONG) else {
        return;
    };
    t.wait_for("✓ compiled");
    t.wait_for("kick");
    // An error: `snx` is marked with its line and column and a hint; nothing else changes.
    t.keys(&[
        "Down", "Down", "Down", "Down", "Down", "Down", "End", "Left",
    ]);
    t.type_text("x");
    let screen = t.wait_for("✗ 7:16");
    assert!(screen.contains("did you mean `sn`?"), "{screen}");
    // Fix it into a new step: the grid shows the new hit after the edit compiles.
    t.keys(&["BSpace"]);
    t.type_text(" cp");
    t.wait_for("✓ compiled");
    // Save writes the file atomically.
    t.keys(&["C-s"]);
    t.wait_for("saved");
    assert!(read(&t.song_path()).contains("play \"~ sn ~ sn cp\""));
    // Quit restores the terminal: the shell's echo shows on a normal screen.
    t.keys(&["C-q"]);
    let screen = t.wait_for("FLAM-EXITED 0");
    assert!(
        !screen.contains("tracks"),
        "the UI is gone after quitting:\n{screen}"
    );
}

#[test]
fn quitting_with_unsaved_changes_asks_and_keeps_the_file_when_told_not_to_save() {
    let Some(t) = Tmux::start("quit", SONG) else {
        return;
    };
    t.wait_for("✓ compiled");
    t.type_text("# scratch");
    t.wait_for("unsaved");
    t.keys(&["C-q"]);
    t.wait_for("Unsaved changes");
    t.type_text("n");
    t.wait_for("FLAM-EXITED 0");
    assert_eq!(read(&t.song_path()), SONG);
}

#[test]
fn sigterm_keeps_unsaved_text_for_the_next_session() {
    let Some(t) = Tmux::start("term", SONG) else {
        return;
    };
    t.wait_for("✓ compiled");
    t.type_text("# unsaved idea");
    t.wait_for("# unsaved ideatempo");
    // Anchored, so the shell that runs flam inside tmux is not the one killed.
    let pattern = format!(
        "^{} live {}$",
        env!("CARGO_BIN_EXE_flam"),
        t.song_path().display()
    );
    let pid = Command::new("pgrep")
        .args(["-f", &pattern])
        .output()
        .unwrap();
    let pid = String::from_utf8_lossy(&pid.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(!pid.is_empty());
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    t.wait_for("FLAM-EXITED 143");
    let recovered = read(&t.dir.join("jam.flam.recover"));
    assert!(recovered.starts_with("# unsaved idea"), "{recovered}");
}
