//! Strudel's toolbox, event for event: scale degrees and the transforms live coders reach
//! for, checked against Strudel 1.2.6's own output
//! (`tests/conformance/strudel-toolbox/expected.jsonl`, with its README). Each case's Strudel
//! code is translated by hand into flam's syntax in `tests/conformance/strudel-toolbox/flam.txt`;
//! the notes flam plays over cycles 0..8, queried a cycle at a time as a scheduler does, must
//! be the notes Strudel's MIDI output plays: the same onsets and ends, the same keys, and the
//! same velocity (Strudel sends gain × velocity, 0.9 by default). A case Strudel rejects must
//! be rejected by flam too.

use std::collections::BTreeMap;

use flam::lang::song::compile;
use flam::pattern::Span;
use flam::theory::time::Time;
use serde_json::Value as Json;

/// A note as both sides play it: onset, note-off, key, MIDI velocity. The note-off is the
/// end of its whole, shortened or lengthened by Strudel's `clip` (flam's `legato`).
type Played = (Time, Time, u8, u8);

/// Cases Strudel 1.2.6 rejects that flam plays on purpose, with the case whose notes they
/// must play instead: Strudel lost Tidal's `whenmod`, which its `when("<0 0 1 1>", f)`
/// replaces, and flam keeps it.
const BEYOND_STRUDEL: &[(&str, &str)] = &[("whenmod-001", "whenmod-002")];

fn fraction(v: &Json) -> Time {
    let s = v.as_str().expect("a fraction");
    let (n, d) = s.split_once('/').expect("n/d");
    Time::new(
        n.parse().expect("numerator"),
        d.parse().expect("denominator"),
    )
}

/// The General MIDI drum key of each of Strudel's sample names the corpus uses.
fn drum_key(s: &str) -> u8 {
    match s {
        "bd" => 36,
        "sd" => 38,
        "cp" => 39,
        "hh" => 42,
        other => panic!("no drum key for `{other}`"),
    }
}

/// The notes Strudel's MIDI output plays for a case: its onsets, with the key and gain ×
/// velocity as MIDI sends them; a note at velocity 0 is silence.
fn strudel_notes(case: &Json) -> Vec<Played> {
    let mut out = Vec::new();
    for e in case["events"].as_array().expect("events") {
        if !e["onset"].as_bool().expect("onset") {
            continue;
        }
        let v = &e["value"];
        let key = match e.get("midi").and_then(Json::as_f64) {
            Some(m) => m.round() as u8,
            None => drum_key(v["s"].as_str().expect("a note or a sound")),
        };
        let velocity = v.get("velocity").and_then(Json::as_f64).unwrap_or(0.9);
        let gain = v.get("gain").and_then(Json::as_f64).unwrap_or(1.0);
        let midi = (velocity * gain * 127.0).round().min(127.0) as u8;
        if midi == 0 {
            continue;
        }
        let whole = e["whole"].as_array().expect("whole");
        let (begin, end) = (fraction(&whole[0]), fraction(&whole[1]));
        let clip = v.get("clip").and_then(Json::as_f64).unwrap_or(1.0);
        let clip = Time::new((clip * 1000.0).round() as i64, 1000);
        out.push((begin, begin + (end - begin) * clip, key, midi));
    }
    out.sort();
    out
}

/// The song text of a translation.
fn song_text(flam: &str) -> String {
    let lines: Vec<&str> = flam.split(" ; ").map(str::trim).collect();
    if lines[0] == "song" {
        return lines[1..].join("\n") + "\n";
    }
    let (header, body) = if lines[0] == "drums" {
        ("track t drums", &lines[1..])
    } else {
        ("track t", &lines[..])
    };
    format!("{header}\n  vel 0.9\n  {}\n", body.join("\n  "))
}

/// The notes flam plays for a song over cycles 0..8, a cycle at a time.
fn flam_notes(text: &str) -> Result<Vec<Played>, String> {
    let song = compile(text).map_err(|e| format!("{e:?}"))?;
    let mut out = Vec::new();
    for c in 0..8 {
        let span = Span::new(Time::from_integer(c), Time::from_integer(c + 1));
        for track in &song.tracks {
            for h in track.pattern.query(span) {
                if !h.has_onset() {
                    continue;
                }
                let whole = h.whole.expect("a note has a whole");
                out.push((whole.begin, whole.end, h.value.key, h.value.velocity));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Where two lists of notes first differ, in a line a musician can read.
fn first_difference(want: &[Played], got: &[Played]) -> String {
    let show = |p: &Played| format!("{} to {}: key {} vel {}", p.0, p.1, p.2, p.3);
    for (i, (w, g)) in want.iter().zip(got).enumerate() {
        if w != g {
            return format!("note {i}: Strudel {} / flam {}", show(w), show(g));
        }
    }
    match want.len().cmp(&got.len()) {
        std::cmp::Ordering::Greater => format!("flam lacks {}", show(&want[got.len()])),
        std::cmp::Ordering::Less => format!("flam adds {}", show(&got[want.len()])),
        std::cmp::Ordering::Equal => "same".to_string(),
    }
}

#[test]
fn every_toolbox_case_plays_the_notes_strudel_plays() {
    let expected: BTreeMap<String, Json> =
        include_str!("conformance/strudel-toolbox/expected.jsonl")
            .lines()
            .map(|l| serde_json::from_str::<Json>(l).expect("json"))
            .map(|j| (j["id"].as_str().expect("id").to_string(), j))
            .collect();
    let translations: BTreeMap<&str, &str> = include_str!("conformance/strudel-toolbox/flam.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split_once('\t').expect("ID<TAB>flam"))
        .collect();
    // Every public case is here, and every translation belongs to one.
    assert_eq!(expected.len(), 168, "the public toolbox cases");
    for id in translations.keys() {
        assert!(expected.contains_key(*id), "{id} translates no case");
    }
    let mut failures = Vec::new();
    let mut passed = 0;
    for (id, case) in &expected {
        let outcome = match translations.get(id.as_str()) {
            None => Err("no translation".to_string()),
            Some(flam) => {
                let text = song_text(flam);
                let (ok, case) = match BEYOND_STRUDEL.iter().find(|(b, _)| b == id) {
                    Some((_, like)) => (true, &expected[*like]),
                    None => (case["ok"].as_bool().expect("ok"), case),
                };
                match (ok, flam_notes(&text)) {
                    (false, Err(_)) => Ok(()),
                    (false, Ok(_)) => Err("Strudel rejects it, flam played it".to_string()),
                    (true, Err(e)) => Err(format!("flam refused it: {e}")),
                    (true, Ok(got)) => {
                        let want = strudel_notes(case);
                        if got == want {
                            Ok(())
                        } else {
                            Err(first_difference(&want, &got))
                        }
                    }
                }
            }
        };
        match outcome {
            Ok(()) => passed += 1,
            Err(e) => failures.push(format!("{id}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{passed} cases match; {} do not:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
