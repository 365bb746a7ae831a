//! The bundled songs: each compiles, and `flam events` lists exactly the notes snapshotted here.

use std::path::{Path, PathBuf};
use std::process::Command;

use flam::cli::events::{table, to_json};
use flam::engine::timeline;
use flam::lang::song;
use flam::theory::time::Time;

fn songs() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("patterns"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "flam"))
            .collect();
    files.sort();
    files
}

#[test]
fn every_bundled_song_compiles() {
    let files = songs();
    assert!(
        files.len() >= 8,
        "expected at least eight example songs, found {}",
        files.len()
    );
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        match song::compile(&text) {
            Err(errors) => panic!("{} does not compile: {errors:?}", file.display()),
            Ok(s) => {
                let warnings = flam::lang::song::warning::warnings(&s);
                assert!(warnings.is_empty(), "{}: {warnings:?}", file.display());
            }
        }
    }
}

#[test]
fn the_bundled_songs_cover_the_styles_a_newcomer_looks_for() {
    let names: Vec<String> = songs()
        .iter()
        .map(|f| f.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    for style in [
        "rock",
        "drum-and-bass",
        "techno",
        "dub",
        "clave",
        "trap",
        "house",
        "boom-bap",
    ] {
        assert!(
            names.iter().any(|n| n == style),
            "no {style} song: {names:?}"
        );
    }
}

#[test]
fn flam_check_passes_on_every_bundled_song() {
    let out = Command::new(env!("CARGO_BIN_EXE_flam"))
        .arg("check")
        .args(songs())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_bundled_song_plays_notes_in_every_bar() {
    for file in songs() {
        let s = song::compile(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for bar in 0..8 {
            let events = timeline::events(&s, Time::from_integer(bar), Time::from_integer(bar + 1));
            assert!(
                !events.is_empty(),
                "{} is silent in bar {bar}",
                file.display()
            );
            assert!(
                events
                    .iter()
                    .all(|e| (1..=127).contains(&e.velocity) && e.key <= 127)
            );
        }
    }
}

#[test]
fn events_of_each_bundled_song_match_their_snapshot() {
    for file in songs() {
        let s = song::compile(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let events = timeline::events(&s, Time::ZERO, Time::from_integer(2));
        let name = file.file_stem().unwrap().to_string_lossy().to_string();
        insta::assert_snapshot!(format!("events_{name}"), table(&s, &events));
    }
}

#[test]
fn rudiment_groove_json_carries_accents_taps_and_graces() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("patterns/rudiment-groove.flam");
    let s = song::compile(&std::fs::read_to_string(file).unwrap()).unwrap();
    let events = timeline::events(&s, Time::from_integer(3), Time::from_integer(4));
    let doc: serde_json::Value = serde_json::from_str(&to_json(&s, 3, 4, &events, &[])).unwrap();
    let fill: Vec<&serde_json::Value> = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["track"] == "fill")
        .collect();
    let velocities: Vec<u64> = fill
        .iter()
        .map(|e| e["velocity"].as_u64().unwrap())
        .collect();
    // flam-tap: lR> R rL> L, accents 118, taps 84, graces 40.
    assert_eq!(&velocities[..4], &[40, 118, 84, 40]);
    // The grace falls 22 ms before the accented stroke that shares its pattern time.
    let grace = fill[0]["time"].as_f64().unwrap();
    let accent = fill[1]["time"].as_f64().unwrap();
    assert!(
        (accent - grace - 0.022).abs() < 1e-6,
        "grace {grace} accent {accent}"
    );
    assert_eq!(fill[0]["cycle"], fill[1]["cycle"]);
}
