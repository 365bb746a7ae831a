//! What a test does when something it needs is not on the machine: in CI (`CI` set) it
//! fails, because `scripts/setup` installs every tool the tests use and a skip there would
//! hide a broken install step; elsewhere it prints one line saying what it skipped and how to
//! install the tool.

// Each test file uses a different part of this module.
#![allow(dead_code)]

use std::process::{Command, Stdio};

/// Whether tests run in CI, where nothing may be skipped.
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Whether `program --version`-style `probe` runs at all.
pub fn runs(program: &str, probe: &[&str]) -> bool {
    Command::new(program)
        .args(probe)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Called when `what` is missing: fails the test in CI, otherwise prints one line and lets
/// the caller skip. `install` says how to get it.
pub fn unavailable(what: &str, install: &str) {
    let line = format!("SKIPPED: {what} is not available ({install})");
    assert!(!in_ci(), "{line}; CI must not skip it");
    eprintln!("{line}");
}

/// A Python interpreter that can `import mido`: Debian's (`python3-mido`) or the first
/// `python3` on the PATH.
pub fn python_with_mido() -> Option<&'static str> {
    ["/usr/bin/python3", "python3"].into_iter().find(|py| {
        Command::new(py)
            .args(["-c", "import mido"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}
