//! `flam live` in a real terminal: tmux runs it, `send-keys` types, `capture-pane` reads.

use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "support/tmux.rs"]
mod tmux;
#[path = "support/tool.rs"]
mod tool;
use tmux::{Tmux, flam_live_pid, grid_hits};

/// `flam live` on a song of its own, in tmux.
struct Live {
    tmux: Tmux,
    dir: PathBuf,
}

impl Live {
    fn start(name: &str, song: &str) -> Option<Live> {
        let dir = std::env::temp_dir().join(format!("flam-live-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("jam.flam"), song).unwrap();
        let command = format!(
            "{} live {}; echo FLAM-EXITED $?; sleep 60",
            env!("CARGO_BIN_EXE_flam"),
            dir.join("jam.flam").display()
        );
        let tmux = Tmux::start(name, &command)?;
        Some(Live { tmux, dir })
    }

    fn song_path(&self) -> PathBuf {
        self.dir.join("jam.flam")
    }
}

impl std::ops::Deref for Live {
    type Target = Tmux;
    fn deref(&self) -> &Tmux {
        &self.tmux
    }
}

impl Drop for Live {
    fn drop(&mut self) {
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
    let Some(t) = Live::start("edit", SONG) else {
        return;
    };
    let before = t.wait_until("the snare's two hits in the grid", |s| {
        s.contains("✓ compiled") && grid_hits(s, "snare") == 2
    });
    assert_eq!(grid_hits(&before, "kick"), 2, "{before}");
    // An error: `snx` is marked with its line and column and a hint; nothing else changes.
    t.keys(&[
        "Down", "Down", "Down", "Down", "Down", "Down", "End", "Left",
    ]);
    t.type_text("x");
    let screen = t.wait_for("✗ 7:16");
    assert!(screen.contains("did you mean `sn`?"), "{screen}");
    // Fix it into a new step: the grid shows the new hit once the edit compiles. (The status
    // alone could still be the compile of the text between the backspace and the typing.)
    t.keys(&["BSpace"]);
    t.type_text(" cp");
    // The edit compiles as typed, and goes live when sent.
    t.wait_for("edited, not sent");
    t.keys(&["M-Enter"]);
    t.wait_until("the new step in the snare's grid row", |s| {
        s.contains("✓ compiled") && grid_hits(s, "snare") == 3
    });
    // Save writes the file atomically.
    t.keys(&["C-s"]);
    t.wait_saved();
    let saved = read(&t.song_path());
    assert!(saved.contains("play \"~ sn ~ sn cp\""), "{saved}");
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
    let Some(t) = Live::start("quit", SONG) else {
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
    let Some(t) = Live::start("term", SONG) else {
        return;
    };
    t.wait_for("✓ compiled");
    t.type_text("# unsaved idea");
    t.wait_for("# unsaved ideatempo");
    let pid = flam_live_pid(&t.song_path());
    assert!(!pid.is_empty());
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    t.wait_for("FLAM-EXITED 143");
    let recovered = read(&t.dir.join("jam.flam.recover"));
    assert!(recovered.starts_with("# unsaved idea"), "{recovered}");
}

#[test]
fn a_track_pasted_from_elsewhere_keeps_its_lines_and_one_undo_takes_it_back() {
    let Some(t) = Live::start("paste", SONG) else {
        return;
    };
    t.wait_for("✓ compiled");
    t.keys(&["C-End"]);
    t.paste("\ntrack hats\n  play \"hh*8\"\n");
    t.keys(&["M-Enter"]);
    t.wait_until("the pasted track in the grid", |s| {
        grid_hits(s, "hats") == 8
    });
    t.keys(&["C-s"]);
    t.wait_saved();
    let saved = read(&t.song_path());
    assert!(
        saved.ends_with("\ntrack hats\n  play \"hh*8\"\n"),
        "the pasted lines stay lines: {saved:?}"
    );
    t.keys(&["C-z"]);
    t.keys(&["M-Enter"]);
    t.wait_until("the paste undone", |s| {
        s.contains("unsaved") && grid_hits(s, "hats") == 0 && s.contains("✓ compiled")
    });
    t.keys(&["C-s"]);
    t.wait_saved();
    assert_eq!(
        read(&t.song_path()),
        SONG,
        "one undo removes the whole paste"
    );
    t.keys(&["C-q"]);
    t.wait_for("FLAM-EXITED 0");
}
