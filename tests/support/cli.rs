//! Running the `flam` binary and reading a song's errors, for tests of the command line and
//! the language.

use std::path::PathBuf;
use std::process::{Command, Output};

/// Runs `flam` with `args` and waits for it.
pub fn flam(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flam"))
        .args(args)
        .output()
        .expect("flam runs")
}

/// Runs `flam` with `args`, which must succeed (its stderr says why not), and returns what
/// it printed.
pub fn flam_ok(args: &[&str]) -> Output {
    let out = flam(args);
    assert!(
        out.status.success(),
        "flam {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A fresh folder of this test process's own, named `name`.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flam-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// Writes `song` into a scratch folder called `name` and lists it with `flam events --json`
/// over `cycles` (`0..1`); returns the song's file and the listing.
pub fn events_json(name: &str, song: &str, cycles: &str) -> (PathBuf, serde_json::Value) {
    let file = scratch(name).join("song.flam");
    std::fs::write(&file, song).expect("write song");
    let path = file.to_str().expect("a path");
    let out = flam_ok(&["events", path, "--cycles", cycles, "--json"]);
    let doc = serde_json::from_slice(&out.stdout).expect("flam events --json prints JSON");
    (file, doc)
}

/// Every error compiling `src` reports, as "line: message (help)".
pub fn errors(src: &str) -> Vec<String> {
    flam::lang::song::compile(src)
        .expect_err("should not compile")
        .iter()
        .map(|e| {
            let line = src[..e.span.start].matches('\n').count() + 1;
            format!(
                "{line}: {} ({})",
                e.message,
                e.help.clone().unwrap_or_default()
            )
        })
        .collect()
}
