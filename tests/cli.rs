//! The command line as users and scripts see it: output formats and exit codes.

use std::process::Command;

const EXPECTED: &str = include_str!("conformance/mini/expected.jsonl");

fn flam(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_flam"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap()
}

/// A fraction as Strudel prints it: reduced, `n/d`.
fn frac(n: i64, d: i64) -> String {
    let g = num_integer_gcd(n, d);
    format!("{}/{}", n / g, d / g)
}

fn num_integer_gcd(a: i64, b: i64) -> i64 {
    if b == 0 {
        a.abs().max(1)
    } else {
        num_integer_gcd(b, a % b)
    }
}

/// The conformance line of a pattern whose events, over cycles 0..4, are worked out by hand:
/// each `(begin, end, value)` in `denominator`ths of a cycle, one whole event each.
fn by_hand(pattern: &str, steps: &str, denominator: i64, events: &[(i64, i64, &str)]) -> String {
    let events: Vec<String> = events
        .iter()
        .map(|(b, e, v)| {
            let (b, e) = (frac(*b, denominator), frac(*e, denominator));
            format!(
                "{{\"whole\":[\"{b}\",\"{e}\"],\"part\":[\"{b}\",\"{e}\"],\"onset\":true,\"value\":\"{v}\"}}"
            )
        })
        .collect();
    format!(
        "{{\"pattern\":{},\"ok\":true,\"steps\":\"{steps}\",\"events\":[{}]}}",
        serde_json::to_string(pattern).unwrap(),
        events.join(",")
    )
}

#[test]
fn mini_prints_strudels_conformance_line_byte_for_byte() {
    // Three from Strudel's own conformance data…
    for pattern in ["hh*8?0.3", "bd(3,8,2)", "[a|b|c]*4"] {
        let out = flam(&["mini", pattern]);
        assert!(out.status.success());
        let expected = EXPECTED
            .lines()
            .find(|l| {
                l.starts_with(&format!(
                    "{{\"pattern\":{}",
                    serde_json::to_string(pattern).unwrap()
                ))
            })
            .unwrap_or_else(|| panic!("`{pattern}` is in the conformance data"));
        assert_eq!(String::from_utf8(out.stdout).unwrap().trim_end(), expected);
    }
    // …and two worked out by hand. Two kicks, a snare and a clap, then the hat and the open
    // hat by turns, one a cycle:
    let mut events = Vec::new();
    for cycle in 0..4 {
        let at = |k: i64| cycle * 6 + k;
        let hat = if cycle % 2 == 0 { "hh" } else { "oh" };
        for (b, v) in [(0, "bd"), (1, "bd"), (2, "sn"), (3, "cp"), (4, hat)] {
            let len = if b == 4 { 2 } else { 1 };
            events.push((at(b), at(b + len), v));
        }
    }
    let kit = by_hand("bd*2 [sn cp] <hh oh>", "3/1", 6, &events);
    // Three notes over four steps: the polymeter goes round, one step further each cycle.
    let letters = ["a", "b", "c"];
    let events: Vec<(i64, i64, &str)> = (0..16)
        .map(|k| (k, k + 1, letters[k as usize % 3]))
        .collect();
    // Strudel counts a polymeter as one step, as it does `{bd cp 808:5}%4`.
    let meter = by_hand("{a b c}%4", "1/1", 4, &events);
    for (pattern, expected) in [("bd*2 [sn cp] <hh oh>", kit), ("{a b c}%4", meter)] {
        let out = flam(&["mini", pattern]);
        assert!(out.status.success());
        assert_eq!(
            String::from_utf8(out.stdout).unwrap().trim_end(),
            expected,
            "{pattern}"
        );
    }
}

#[test]
fn mini_batch_reproduces_every_accepted_conformance_line() {
    let dir = std::env::temp_dir().join(format!("flam-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let list = dir.join("patterns.txt");
    let patterns: Vec<String> = EXPECTED
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["pattern"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    std::fs::write(&list, patterns.join("\n")).unwrap();
    let out = flam(&["mini", "--batch", list.to_str().unwrap()]);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 167);
    for (got, expected) in lines.iter().zip(EXPECTED.lines()) {
        if expected.contains("\"ok\":true") {
            assert_eq!(got, &expected);
        } else {
            assert!(
                got.contains("\"ok\":false") && got.contains("\"error\":"),
                "{got}"
            );
        }
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_rejected_mini_pattern_shows_where_and_exits_2() {
    let out = flam(&["mini", "a [b"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("<pattern>:1:3: error: this `[` is never closed"),
        "{stderr}"
    );
}

#[test]
fn events_json_lists_exact_cycles_seconds_and_notes() {
    let out = flam(&[
        "events",
        "patterns/boom-bap.flam",
        "--cycles",
        "0..1",
        "--json",
    ]);
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["tempo"], 90.0);
    assert_eq!(doc["meter"], "4/4");
    let first = &doc["events"][0];
    assert_eq!(first["cycle"], "0/1");
    assert_eq!(first["track"], "kick");
    assert_eq!(first["channel"], 10);
    assert_eq!(first["note"], 36);
    assert_eq!(first["velocity"], 118);
    let times: Vec<f64> = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["time"].as_f64().unwrap())
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "events are sorted by time"
    );
}

#[test]
fn bad_cycle_ranges_are_refused_with_exit_code_2() {
    for bad in ["4..2", "a..b", "0..999999999", "3"] {
        let out = flam(&["events", "patterns/boom-bap.flam", "--cycles", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("invalid --cycles"));
    }
}

#[test]
fn rudiments_lists_all_forty_with_sticking() {
    let out = flam(&["rudiments"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(
        " 16  Single Paradiddle             single-paradiddle           1/16   R> L R R L> R L L"
    ));
    assert!(text.contains(" 40  Triple Ratamacue"));
    assert_eq!(
        text.lines()
            .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()))
            .count(),
        40
    );
}

#[test]
fn a_listing_piped_into_head_ends_quietly() {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_flam"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["events", "patterns/house.flam", "--cycles", "0..2000"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read the header line, then hang up, as `head -1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn a_song_saved_with_a_byte_order_mark_plays_the_same() {
    let dir = std::env::temp_dir().join(format!("flam-bom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let song = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("patterns/house.flam"),
    )
    .unwrap();
    let file = dir.join("house.flam");
    std::fs::write(&file, format!("\u{feff}{song}")).unwrap();
    let with_bom = flam(&["events", file.to_str().unwrap()]);
    let plain = flam(&["events", "patterns/house.flam"]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        with_bom.status.success(),
        "{}",
        String::from_utf8_lossy(&with_bom.stderr)
    );
    assert_eq!(with_bom.stdout, plain.stdout);
}

#[test]
fn play_watch_on_a_broken_song_waits_and_ctrl_c_ends_the_wait_with_exit_2() {
    let dir = std::env::temp_dir().join(format!("flam-wait-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("wip.flam");
    std::fs::write(&file, "track k drums\n  play \"bd [sn\"\n").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_flam"))
        .args(["play", "--watch"])
        .arg(&file)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(800));
    assert!(child.try_wait().unwrap().is_none(), "it waits");
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("wip.flam:2:12: error"), "{stderr}");
    assert!(stderr.contains("never compiled"), "{stderr}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn render_and_export_of_a_song_with_no_notes_write_nothing_and_exit_2() {
    let dir = std::env::temp_dir().join(format!("flam-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text, help) in [
        ("new.flam", "# a new song\ntempo 100\n", "add a track"),
        (
            "muted.flam",
            "track k drums mute\n  play \"bd*4\"\n",
            "every track is muted",
        ),
        (
            "rests.flam",
            "track k drums\n  play \"~ ~\"\n",
            "check the `play` lines",
        ),
    ] {
        let file = dir.join(name);
        std::fs::write(&file, text).unwrap();
        for (command, out) in [("render", "out.wav"), ("export", "out.mid")] {
            let target = dir.join(out);
            let o = flam(&[
                command,
                file.to_str().unwrap(),
                "-o",
                target.to_str().unwrap(),
                "--bars",
                "2",
            ]);
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{command} {name}: {stderr}");
            assert!(
                stderr.contains("plays no notes in its first 2 bars"),
                "{stderr}"
            );
            assert!(stderr.contains(help), "{name}: {stderr}");
            assert!(!target.exists(), "{command} {name}: nothing written");
        }
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn live_with_a_soundfont_that_does_not_exist_says_so_before_opening_the_screen() {
    let out = flam(&[
        "live",
        "patterns/house.flam",
        "--soundfont",
        "/nonexistent/font.sf2",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("SoundFont `/nonexistent/font.sf2` does not exist"),
        "{stderr}"
    );
}

#[test]
fn flam_drums_lists_the_aliases_the_docs_promise() {
    let out = flam(&["drums"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for (key, alias) in [
        ("36", "kick"),
        ("38", "snare"),
        ("39", "clap"),
        ("42", "hihat"),
    ] {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{key} ")))
            .unwrap_or_else(|| panic!("note {key} is listed"));
        assert!(line.contains(alias), "{line}");
    }
}

#[test]
fn a_misspelt_rudiment_in_a_pattern_is_offered_the_rudiment_and_a_short_slip_no_nonsense() {
    let dir = std::env::temp_dir().join(format!("flam-guess-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("guess.flam");
    std::fs::write(&file, "track a drums\n  play \"paradidle hft sn xq hat\"\n").unwrap();
    let out = flam(&["check", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("did you mean the rudiment `single-paradiddle`?"),
        "{stderr}"
    );
    // `xq` is no slip of any short name: nothing is guessed. (`hat` is a
    // name of the closed hi-hat, no error at all.)
    assert!(stderr.contains("unknown drum `xq`"), "{stderr}");
    assert!(!stderr.contains("did you mean `"), "{stderr}");
    assert!(!stderr.contains("`hat`"), "{stderr}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn negative_cycles_work_with_a_space_as_with_an_equals_sign() {
    let spaced = flam(&["events", "patterns/house.flam", "--cycles", "-2..1"]);
    let joined = flam(&["events", "patterns/house.flam", "--cycles=-2..1"]);
    assert!(
        spaced.status.success(),
        "{}",
        String::from_utf8_lossy(&spaced.stderr)
    );
    assert_eq!(spaced.stdout, joined.stdout);
    assert!(
        String::from_utf8_lossy(&spaced.stdout)
            .lines()
            .any(|l| l.starts_with("-2"))
    );
    let mini = flam(&["mini", "a b", "--cycles", "-1..0"]);
    assert!(
        mini.status.success(),
        "{}",
        String::from_utf8_lossy(&mini.stderr)
    );
    assert!(String::from_utf8_lossy(&mini.stdout).contains("\"-1/1\""));
}

#[test]
fn mini_draw_shows_a_pattern_one_character_a_step() {
    let out = flam(&["mini", "--draw", "bd*2 [sn cp] <hh oh>", "--cycles", "0..2"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "a = bd, b = sn, c = cp, d = hh, e = oh\n|aabcd-|aabce-|\n"
    );
    let bad = flam(&["mini", "--draw", "a [b"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn flam_is_licensed_mit_or_apache_and_ships_both_texts() {
    let manifest = std::fs::read_to_string("Cargo.toml").unwrap();
    assert!(manifest.contains("license = \"MIT OR Apache-2.0\""));
    let mit = std::fs::read_to_string("LICENSE-MIT").unwrap();
    assert!(mit.starts_with("MIT License"));
    let apache = std::fs::read_to_string("LICENSE-APACHE").unwrap();
    assert!(apache.contains("Apache License") && apache.contains("Version 2.0"));
    let font = std::fs::read_to_string("soundfonts/README.md").unwrap();
    assert!(
        font.contains("MIT OR Apache-2.0"),
        "the SoundFont states its terms"
    );
}

#[test]
fn a_songs_sync_line_chooses_the_clock_and_the_flag_overrides_it() {
    let dir = std::env::temp_dir().join(format!("flam-cli-sync-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("follows.flam");
    std::fs::write(&file, "sync midi\ntrack beat drums\n  play \"bd sd\"\n").unwrap();
    let path = file.to_str().unwrap();
    // The song asks for a MIDI clock with no input to hear it on: refused before anything plays.
    let out = flam(&["play", path, "--out", "jack:nowhere"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(
        said.contains("the song's sync line midi needs an input"),
        "{said}"
    );
    // --sync on the command line wins over the song's line: flam goes on to open the output
    // (which is not there).
    let out = flam(&["play", path, "--sync", "internal", "--out", "jack:nowhere"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!said.contains("sync"), "{said}");
    assert!(said.contains("jack"), "{said}");
    std::fs::remove_dir_all(&dir).unwrap();
}
