//! Pattern speed, printed as numbers (no timed assertions: machines are noisy).
//!
//! 1. Mini-notation: every conformance pattern queried cycle by cycle, as the engine does.
//! 2. Rudiments and arpeggios: the tracks of the rudiment and arp example songs.
//! 3. Strudel's toolbox: every translated case of
//!    `tests/conformance/strudel-toolbox/flam.txt`.
//! 4. Compile time of a 200-line song, and of a 200-line song of toolbox lines.
//!
//! Run with `cargo bench --bench patterns`.

use std::hint::black_box;
use std::time::Instant;

use flam::lang::{mini, song};
use flam::pattern::{Hap, Note, Pattern, Span, Value};
use flam::theory::time::Time;

const EXPECTED: &str = include_str!("../tests/conformance/mini/expected.jsonl");
const TOOLBOX: &str = include_str!("../tests/conformance/strudel-toolbox/flam.txt");
const CYCLES: i64 = 2_000;

/// Queries each pattern one cycle at a time and returns the onsets found and the seconds taken.
fn onsets_per_cycle<T: Clone + Send + Sync + 'static>(patterns: &[Pattern<T>]) -> (u64, f64) {
    let mut out: Vec<Hap<T>> = Vec::with_capacity(4096);
    let start = Instant::now();
    let mut onsets = 0u64;
    for p in patterns {
        for cycle in 0..CYCLES {
            out.clear();
            p.query_into(
                Span::new(Time::from_integer(cycle), Time::from_integer(cycle + 1)),
                &mut out,
            );
            onsets += out.iter().filter(|h| h.has_onset()).count() as u64;
        }
    }
    black_box(&out);
    (onsets, start.elapsed().as_secs_f64())
}

/// The fastest of seven runs: these machines share their cores, so the slower runs measure
/// the neighbours.
fn best_of<T: Clone + Send + Sync + 'static>(patterns: &[Pattern<T>]) -> (u64, f64) {
    (0..7)
        .map(|_| onsets_per_cycle(patterns))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or((0, 1.0))
}

/// The first run over freshly compiled patterns, while their tables of cycles fill (see
/// `Pattern::memo`): what a song just edited costs in its first bars.
fn first_pass<T: Clone + Send + Sync + 'static>(patterns: &[Pattern<T>]) -> String {
    let (onsets, secs) = onsets_per_cycle(patterns);
    format!(
        "first pass, tables filling: {:.2} million onsets/s",
        onsets as f64 / secs / 1e6
    )
}

/// Whether the section `name` runs: all of them, or those the command line names
/// (`cargo bench --bench patterns -- toolbox`).
fn wanted(name: &str) -> bool {
    let asked: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    asked.is_empty() || asked.iter().any(|a| name.contains(a.as_str()))
}

fn main() {
    if wanted("mini") {
        mini();
    }
    if wanted("rudiments") {
        rudiments();
    }
    if wanted("toolbox") {
        toolbox();
    }
    if wanted("compile") {
        compile_time("a 200-line song", &two_hundred_line_song());
        compile_time("a 200-line toolbox song", &two_hundred_toolbox_lines());
    }
}

/// Section 1: mini-notation.
fn mini() {
    let mini_patterns: Vec<Pattern<Value>> = EXPECTED
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["pattern"].as_str().and_then(|p| mini::parse(p).ok()))
        .map(|c| c.pattern)
        .collect();
    println!("mini-notation, {}", first_pass(&mini_patterns));
    let (onsets, secs) = best_of(&mini_patterns);
    println!(
        "mini-notation: {} patterns x {CYCLES} cycles: {onsets} onsets in {secs:.3} s = {:.2} million onsets/s (one core)",
        mini_patterns.len(),
        onsets as f64 / secs / 1e6
    );
}

/// Section 2: rudiment and arp songs.
fn rudiments() {
    let songs = [
        "rudiment-groove",
        "drum-corps-cadence",
        "arp-progression",
        "marching-synths",
    ];
    let tracks: Vec<Pattern<Note>> = songs
        .iter()
        .flat_map(|name| {
            let path = format!("{}/patterns/{name}.flam", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            song::compile(&text)
                .map(|s| s.tracks.into_iter().map(|t| t.pattern).collect::<Vec<_>>())
                .unwrap_or_default()
        })
        .collect();
    println!("rudiments and arpeggios, {}", first_pass(&tracks));
    for name in songs {
        let path = format!("{}/patterns/{name}.flam", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let Ok(s) = song::compile(&text) else {
            continue;
        };
        for t in &s.tracks {
            let (onsets, secs) = best_of(std::slice::from_ref(&t.pattern));
            println!(
                "  {name}/{}: {:.2} million onsets/s",
                t.name,
                onsets as f64 / secs / 1e6
            );
        }
    }
    let (onsets, secs) = best_of(&tracks);
    println!(
        "rudiments and arpeggios: {} tracks of {} songs x {CYCLES} cycles: {onsets} onsets in {secs:.3} s = {:.2} million onsets/s (one core)",
        tracks.len(),
        songs.len(),
        onsets as f64 / secs / 1e6
    );
}

/// Section 3: Strudel's toolbox.
fn toolbox() {
    let named: Vec<(&str, Pattern<Note>)> = toolbox_songs()
        .into_iter()
        .filter_map(|(id, text)| song::compile(&text).ok().map(|s| (id, s)))
        .flat_map(|(id, s)| s.tracks.into_iter().map(move |t| (id, t.pattern)))
        .collect();
    let toolbox: Vec<Pattern<Note>> = named.iter().map(|(_, p)| p.clone()).collect();
    println!("toolbox, {}", first_pass(&toolbox));
    // The cases that take the most time, where a profile should look first.
    let mut each: Vec<(f64, f64, &str)> = named
        .iter()
        .map(|(id, p)| {
            let (onsets, secs) = onsets_per_cycle(std::slice::from_ref(p));
            (secs, onsets as f64 / secs / 1e6, *id)
        })
        .collect();
    let total: f64 = each.iter().map(|e| e.0).sum();
    each.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (secs, rate, id) in each.iter().take(8) {
        println!(
            "  toolbox, most time: {id}: {:.1}% of it, {rate:.2} million onsets/s",
            secs / total * 100.0
        );
    }
    let (onsets, secs) = best_of(&toolbox);
    println!(
        "toolbox: {} tracks of Strudel's toolbox cases x {CYCLES} cycles: {onsets} onsets in {secs:.3} s = {:.2} million onsets/s (one core)",
        toolbox.len(),
        onsets as f64 / secs / 1e6
    );
}

/// The song of each toolbox translation (as tests/toolbox.rs builds it), with its id.
fn toolbox_songs() -> Vec<(&'static str, String)> {
    TOOLBOX
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(id, body)| {
            let lines: Vec<&str> = body.split(" ; ").collect();
            if lines[0] == "song" {
                return (id, lines[1..].join("\n") + "\n");
            }
            let (header, body) = if lines[0] == "drums" {
                ("track t drums", &lines[1..])
            } else {
                ("track t", &lines[..])
            };
            (
                id,
                format!("{header}\n  vel 0.9\n  {}\n", body.join("\n  ")),
            )
        })
        .collect()
}

/// 200 lines of toolbox tracks: the translations' lines, a track every eight lines.
fn two_hundred_toolbox_lines() -> String {
    let lines: Vec<String> = toolbox_songs()
        .iter()
        .flat_map(|(_, s)| s.lines().map(str::to_string).collect::<Vec<_>>())
        .filter(|l| l.starts_with("  ") && !l.contains("vel 0.9") && !l.contains("play "))
        .filter(|l| {
            song::compile(&format!(
                "track t\n  play \"0 2 4\"\n  scale c:minor\n{l}\n"
            ))
            .is_ok()
        })
        .collect();
    let mut s = String::new();
    let mut k = 0;
    for t in 0..25 {
        s.push_str(&format!(
            "track t{t} channel {}\n  play \"0 2 4 <6 7>\"\n  scale c:minor\n",
            t % 16 + 1
        ));
        for _ in 0..5 {
            s.push_str(&lines[k % lines.len()]);
            s.push('\n');
            k += 1;
        }
    }
    s
}

/// Prints how long `text` takes to compile, best and mean of 200 runs.
fn compile_time(what: &str, big: &str) {
    assert_eq!(big.lines().count(), 200, "{what}");
    let runs = 200;
    let mut best = f64::MAX;
    for _ in 0..runs {
        let start = Instant::now();
        let compiled = song::compile(black_box(big));
        let elapsed = start.elapsed().as_secs_f64();
        assert!(compiled.is_ok(), "{what}: {:?}", compiled.err());
        best = best.min(elapsed);
    }
    let start = Instant::now();
    for _ in 0..runs {
        black_box(song::compile(black_box(big)).is_ok());
    }
    let mean = start.elapsed().as_secs_f64() / runs as f64;
    println!(
        "compile {what}: mean {:.3} ms, best {:.3} ms",
        mean * 1e3,
        best * 1e3
    );
}

/// A 200-line song: 25 tracks of drums, rudiments, chords and arpeggios, 8 lines each.
fn two_hundred_line_song() -> String {
    let mut s = String::new();
    let kinds = [
        (
            "drums",
            "play \"bd*2 [~ bd] <sn cp> [hh oh]*2\"",
            "every 4 rev",
        ),
        (
            "drums",
            "play \"<single-paradiddle [flam-tap flam-accent]>\"",
            "rudiment hands sn rim accent 118",
        ),
        (
            "channel 1 program piano",
            "play \"<c4:maj7 a3:m7:ii d4:m9 g3:7:drop2>\"",
            "arp updown octaves 2 rate 1/16",
        ),
        (
            "channel 2 program bass",
            "play \"c2 [~ c2] <eb2 g2> bb1(3,8)\"",
            "every 3 fast 2",
        ),
        (
            "drums",
            "play \"{hh hh oh, cb ~ cb ~}%8 hh*16?\"",
            "degrade 0.2",
        ),
    ];
    for i in 0..25 {
        let (dest, play, extra) = kinds[i % kinds.len()];
        s.push_str(&format!(
            "track t{i} {dest}\n  {play}\n  vel \"110 70 90 70\"\n  {extra}\n"
        ));
        s.push_str("  humanize 5ms 8\n  swing 56% 1/16\n  # a comment line\n  nudge -2ms\n");
    }
    s
}
