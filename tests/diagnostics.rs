//! Broken songs get exact diagnostics: `file:line:col`, the source line, a marker, a hint,
//! and exit code 2.

use std::path::{Path, PathBuf};
use std::process::Command;

fn broken_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/broken");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn each_broken_song_gets_its_exact_diagnostics_and_exit_code_2() {
    let files = broken_files();
    assert!(files.len() >= 10);
    for file in files {
        let out = Command::new(env!("CARGO_BIN_EXE_flam"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .arg("check")
            .arg(file.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", file.display());
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.contains("help:"),
            "{} has no hint:\n{stderr}",
            file.display()
        );
        let name = file.file_stem().unwrap().to_string_lossy().to_string();
        insta::assert_snapshot!(format!("check_{name}"), stderr);
    }
}

#[test]
fn an_unknown_drum_suggests_the_nearest_name() {
    let errors = flam::lang::song::compile("track beat\n  play \"bd snr\"\n").unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].help.as_deref(), Some("did you mean `sn`?"));
    assert_eq!(errors[0].span, 22..25);
}

#[test]
fn every_error_in_a_file_is_reported_at_once() {
    let src = "tempo 5\ntrack a\n  play \"bd\"\n  channel 20\ntrack b\n  play \"xx\"\n";
    let errors = flam::lang::song::compile(src).unwrap_err();
    let lines: Vec<usize> = errors
        .iter()
        .map(|e| flam::lang::diagnostic::line_col(src, e.span.start).line)
        .collect();
    assert_eq!(lines, vec![1, 4, 6]);
}

#[test]
fn bad_numbers_name_the_allowed_range_and_the_value_given() {
    let errors = flam::lang::song::compile("tempo 1000\ntrack k\n  play \"bd\"\n").unwrap_err();
    assert_eq!(
        errors[0].message,
        "tempo must be from 20 to 999 BPM, got `1000`"
    );
}

#[test]
fn a_file_that_is_not_utf8_is_refused_with_its_position() {
    let dir = std::env::temp_dir().join(format!("flam-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("latin1.flam");
    std::fs::write(&file, b"track k\n  play \"bd \xe9\"\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_flam"))
        .arg("check")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("latin1.flam:2:12: error: the file is not UTF-8 text (byte 0xe9)"),
        "{stderr}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_missing_file_is_a_clear_error_with_exit_code_1() {
    let out = Command::new(env!("CARGO_BIN_EXE_flam"))
        .args(["check", "no/such/song.flam"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read `no/such/song.flam`"));
}
