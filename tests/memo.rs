//! A pattern answered from a table of its cycles (`Pattern::memo`) gives exactly the events its
//! tree of combinators gives, for any span: whole bars, parts of bars, spans across bar lines,
//! single instants, and far from cycle 0. Checked for every Strudel conformance case and every
//! bundled song, each built twice: as flam builds it, and with no tables at all; then the same
//! for random mini-notation and random arpeggios (proptest), where a period worked out wrong
//! would show as a cycle answered from the wrong slot.

use flam::lang::{mini, song};
use flam::pattern::memo::without_memo;
use flam::pattern::pattern::Payload;
use flam::pattern::{Hap, Pattern, Span};
use flam::theory::time::Time;

const EXPECTED: &str = include_str!("conformance/mini/expected.jsonl");

/// The spans asked of a pattern of period `period`: every bar of two periods and a bit, then
/// thirds of a bar five sevenths long (crossing bar lines), instants, and bars far ahead.
fn spans(period: i64) -> Vec<Span> {
    let cycles = (2 * period + 3).min(96);
    let t = Time::from_integer;
    let mut spans: Vec<Span> = (-1..cycles).map(|c| Span::new(t(c), t(c + 1))).collect();
    for k in -3..3 * cycles.min(24) {
        let begin = Time::new(k, 3);
        spans.push(Span::new(begin, begin + Time::new(5, 7)));
        spans.push(Span::new(begin, begin));
    }
    for far in [1_000, 123_457] {
        spans.push(Span::new(t(far), t(far + 1)));
        spans.push(Span::new(
            t(far) + Time::new(1, 4),
            t(far) + Time::new(5, 2),
        ));
    }
    spans
}

/// Asserts the two patterns agree over the spans, naming `what` on failure.
fn agree<T: Payload + PartialEq + std::fmt::Debug>(
    what: &str,
    built: &Pattern<T>,
    tree: &Pattern<T>,
) {
    for span in spans(built.period().unwrap_or(4)) {
        let a: Vec<Hap<T>> = built.query(span);
        let b: Vec<Hap<T>> = tree.query(span);
        assert_eq!(a, b, "{what}: the events of {span} differ");
    }
}

#[test]
fn every_conformance_pattern_answers_from_its_table_as_its_tree_does() {
    let mut tabled = 0;
    for line in EXPECTED.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = v["pattern"].as_str().unwrap();
        let (Ok(built), Ok(tree)) = (mini::parse(text), without_memo(|| mini::parse(text))) else {
            continue;
        };
        tabled += usize::from(built.pattern.period().is_some());
        agree(text, &built.pattern, &tree.pattern);
    }
    // Most of Strudel's cases repeat; the random ones (`?`, `|`) do not.
    assert!(tabled > 140, "only {tabled} patterns have a period");
}

#[test]
fn every_bundled_song_plays_from_its_tables_as_from_its_trees() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/patterns");
    let mut songs = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "flam") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let (Ok(built), Ok(tree)) = (song::compile(&text), without_memo(|| song::compile(&text)))
        else {
            continue;
        };
        songs += 1;
        for (b, t) in built.tracks.iter().zip(&tree.tracks) {
            agree(
                &format!("{} track {}", path.display(), b.name),
                &b.pattern,
                &t.pattern,
            );
        }
    }
    assert!(songs >= 10, "only {songs} songs compiled");
}

const TOOLBOX: &str = include_str!("conformance/strudel-toolbox/flam.txt");

#[test]
fn every_toolbox_translation_plays_from_its_tables_as_from_its_trees() {
    let mut cases = 0;
    for (id, body) in TOOLBOX
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
    {
        // Each case as tests/toolbox.rs builds it: a song, or a track's lines.
        let lines: Vec<&str> = body.split(" ; ").collect();
        let text = match lines[0] {
            "song" => lines[1..].join("\n") + "\n",
            "drums" => format!("track t drums\n  {}\n", lines[1..].join("\n  ")),
            _ => format!("track t\n  {}\n", lines.join("\n  ")),
        };
        let (Ok(built), Ok(tree)) = (song::compile(&text), without_memo(|| song::compile(&text)))
        else {
            continue;
        };
        cases += 1;
        for (b, t) in built.tracks.iter().zip(&tree.tracks) {
            agree(&format!("{id} track {}", b.name), &b.pattern, &t.pattern);
        }
    }
    assert!(cases > 150, "only {cases} cases compiled");
}

/// Random mini-notation built from every construct that has a period, nested: sequences,
/// alternations, polymeters, stacks, speeds (whole, fractional, patterned), replication,
/// weights, Euclid (patterned too), ranges, tails, and the random ones around them.
fn mini_notation() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        4 => prop::sample::select(vec!["a", "b", "c", "0", "3", "~", "-"]).prop_map(str::to_string),
        1 => Just("a:1".to_string()),
    ];
    let speed = prop::sample::select(vec![
        "2",
        "3",
        "1.5",
        "0.75",
        "2.5",
        "<2 3>",
        "<1 1.5 4>",
        "[2 3]",
    ]);
    leaf.prop_recursive(4, 24, 4, move |inner| {
        let many = prop::collection::vec(inner.clone(), 1..4);
        prop_oneof![
            many.clone().prop_map(|v| format!("[{}]", v.join(" "))),
            many.clone().prop_map(|v| format!("<{}>", v.join(" "))),
            many.clone().prop_map(|v| format!("[{}]", v.join(", "))),
            (many.clone(), many.clone(), 1..6u8).prop_map(|(a, b, n)| format!(
                "{{{}, {}}}%{n}",
                a.join(" "),
                b.join(" ")
            )),
            (inner.clone(), speed.clone()).prop_map(|(p, s)| format!("{p}*{s}")),
            (inner.clone(), speed.clone()).prop_map(|(p, s)| format!("{p}/{s}")),
            (inner.clone(), 2..4u8).prop_map(|(p, n)| format!("{p}!{n}")),
            (inner.clone(), inner.clone()).prop_map(|(p, q)| format!("{p}@3 {q}")),
            (inner.clone(), inner.clone()).prop_map(|(p, q)| format!("{p} _ {q}")),
            (inner.clone(), 1..6u8, 4..9u8).prop_map(|(p, k, n)| format!("{p}({k},{n})")),
            inner.clone().prop_map(|p| format!("{p}(<3 5>,8,<0 2>)")),
            Just("<0 2> .. <3 5>".to_string()),
            (inner.clone(), inner.clone()).prop_map(|(p, q)| format!("{p}:{q}")),
            inner.clone().prop_map(|p| format!("{p}?")),
            (inner.clone(), inner.clone()).prop_map(|(p, q)| format!("[{p} | {q}]")),
        ]
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 1000, ..Default::default() })]

    #[test]
    fn any_mini_notation_answers_from_its_table_as_its_tree_does(text in mini_notation()) {
        if let (Ok(built), Ok(tree)) = (mini::parse(&text), without_memo(|| mini::parse(&text))) {
            agree(&text, &built.pattern, &tree.pattern);
        }
    }
}

/// A track that arpeggiates a random progression with random settings, as a song line.
fn arp_track() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let chord = prop::sample::select(vec!["c4:maj7", "a3:m7", "d4", "g3:7sus4", "e4:m9", "f3"]);
    let chords = prop::collection::vec(chord, 1..4);
    let progression = (
        chords,
        prop::sample::select(vec!["<{}>", "{}", "<{}>/2", "[{}]*<1 2>"]),
    )
        .prop_map(|(c, shape)| shape.replace("{}", &c.join(" ")));
    let modes = flam::pattern::arp::ArpMode::names();
    (
        progression,
        prop::sample::select(modes),
        1..4u8,
        prop::sample::select(vec!["1/16", "1/8", "1/8T", "1/32", "3/16"]),
        prop::sample::select(vec!["", " swing 60%"]),
        prop::collection::vec(40..127u8, 0..5),
        any::<bool>(),
    )
        .prop_map(|(chords, mode, octaves, rate, swing, vel, reset)| {
            let vel: Vec<String> = vel.iter().map(u8::to_string).collect();
            format!(
                "track t\n  play \"{chords}\"\n  arp {mode} octaves {octaves} rate {rate} gate 70%{swing}{}{}\n",
                if vel.is_empty() { String::new() } else { format!(" vel {}", vel.join(" ")) },
                if reset { " reset" } else { "" },
            )
        })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, ..Default::default() })]

    #[test]
    fn any_arpeggio_answers_from_its_table_as_its_tree_does(text in arp_track()) {
        let built = song::compile(&text);
        proptest::prop_assert!(built.is_ok(), "{text}: {:?}", built.err());
        let (Ok(built), Ok(tree)) = (built, without_memo(|| song::compile(&text))) else {
            return Ok(());
        };
        agree(&text, &built.tracks[0].pattern, &tree.tracks[0].pattern);
    }
}
