//! `flam events`: exactly what the engine will play, as a table or as JSON.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use serde_json::json;

use super::cycles;
use super::failure::Failure;
use super::source;
use crate::engine::changes::{Change, changes};
use crate::engine::timeline::{self, Event};
use crate::lang::mini::conformance::fraction;
use crate::lang::song::Song;
use crate::lang::song::lane::Target;
use crate::theory::time::Time;
use crate::theory::{gm, note};

/// Lists the song's events over the given bars.
pub fn run(path: &Path, cycles: &str, as_json: bool) -> Result<ExitCode, Failure> {
    let (from, to) = cycles::parse(cycles)?;
    let song = source::compile(path)?;
    let (start, end) = (Time::from_integer(from), Time::from_integer(to));
    let events = timeline::events(&song, start, end);
    let controls = changes(&song, start, end);
    let text = if as_json {
        to_json(&song, from, to, &events, &controls)
    } else {
        let mut text = table(&song, &events);
        text.push_str(&controls_table(&song, &controls));
        text
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(Failure::output)?;
    Ok(ExitCode::SUCCESS)
}

/// The event list as one JSON document (the form is documented in docs/cli.md).
pub fn to_json(song: &Song, from: i64, to: i64, events: &[Event], controls: &[Change]) -> String {
    let tracks: Vec<_> = song
        .tracks
        .iter()
        .map(|t| {
            json!({
                "name": t.name,
                "channel": t.channel,
                "program": t.program,
                "bank": t.bank,
                "drums": t.drums,
                "muted": t.muted,
            })
        })
        .collect();
    let list: Vec<_> = events
        .iter()
        .map(|e| {
            json!({
                "cycle": fraction(e.cycle),
                "time": round6(e.seconds),
                "track": song.tracks[e.track].name,
                "channel": e.channel,
                "note": e.key,
                "velocity": e.velocity,
                "length": fraction(e.length),
                "duration": round6(e.duration),
            })
        })
        .collect();
    let mut doc = json!({
        "tempo": song.tempo.bpm,
        "meter": format!("{}/{}", song.tempo.meter.beats, song.tempo.meter.unit),
        "cycles": [from, to],
        "tracks": tracks,
        "events": list,
    });
    // Only songs with controller lanes have the key, so other listings stay as they were.
    if !controls.is_empty() {
        doc["controls"] = controls
            .iter()
            .map(|c| {
                let mut entry = json!({
                    "cycle": fraction(c.cycle),
                    "time": round6(c.seconds),
                    "track": song.tracks[c.track].name,
                    "channel": c.channel,
                    "value": c.value,
                });
                match c.target {
                    Target::Control(n) => entry["controller"] = json!(n),
                    Target::Bend => entry["bend"] = json!(true),
                    Target::Pressure => entry["pressure"] = json!(true),
                    Target::Program => entry["program"] = json!(true),
                    Target::Nrpn(param) => entry["nrpn"] = json!(param),
                }
                entry
            })
            .collect();
    }
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// Seconds rounded to the microsecond, so listings are stable across platforms.
fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn key_name(song: &Song, e: &Event) -> String {
    if song.tracks[e.track].drums
        && let Some(d) = gm::drum_name(e.key)
    {
        return d.to_string();
    }
    note::note_name(e.key)
}

/// The width of the track column: the longest name, at least as wide as its heading.
fn name_width(song: &Song) -> usize {
    song.tracks
        .iter()
        .map(|t| t.name.len())
        .max()
        .unwrap_or(5)
        .max(5)
}

/// The controller changes as a table for people; nothing for a song without lanes.
pub fn controls_table(song: &Song, controls: &[Change]) -> String {
    if controls.is_empty() {
        return String::new();
    }
    let width = name_width(song);
    let mut out = format!(
        "\n{:<10} {:>9}  {:<width$}  {:>2}  {:<8}  {:>5}\n",
        "cycle", "time", "track", "ch", "what", "value"
    );
    for c in controls {
        out.push_str(&format!(
            "{:<10} {:>9.4}  {:<width$}  {:>2}  {:<8}  {:>5}\n",
            c.cycle.to_string(),
            c.seconds,
            song.tracks[c.track].name,
            c.channel,
            match c.target {
                Target::Control(n) => format!("cc {n}"),
                Target::Bend => "bend".to_string(),
                Target::Pressure => "pressure".to_string(),
                Target::Program => "program".to_string(),
                Target::Nrpn(param) => format!("nrpn {param}"),
            },
            c.value
        ));
    }
    out.push_str(&format!("{} controller changes\n", controls.len()));
    out
}

/// The event list as a table for people.
pub fn table(song: &Song, events: &[Event]) -> String {
    let width = name_width(song);
    let mut out = format!(
        "{:<10} {:>9}  {:<width$}  {:>2}  {:>3} {:<4} {:>3}  {:>8}\n",
        "cycle", "time", "track", "ch", "key", "", "vel", "duration"
    );
    for e in events {
        out.push_str(&format!(
            "{:<10} {:>9.4}  {:<width$}  {:>2}  {:>3} {:<4} {:>3}  {:>8.4}\n",
            e.cycle.to_string(),
            e.seconds,
            song.tracks[e.track].name,
            e.channel,
            e.key,
            key_name(song, e),
            e.velocity,
            e.duration
        ));
    }
    out.push_str(&format!("{} events\n", events.len()));
    out
}
