//! `flam record`: what a MIDI input plays, quantized and written as a song.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::failure::Failure;
use super::interrupt;
use crate::engine::incoming::Incoming;
use crate::lang::recording::{PlayedNote, Recording, song_text};
use crate::output::destination::Destination;
use crate::output::input_target::InputTarget;
use crate::session::rig;
use crate::theory::tempo::{Meter, parse_rate};

/// What `flam record` was asked to do.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordArgs {
    /// `--in INPUT`.
    pub input: String,
    /// `--bars N`.
    pub bars: u32,
    /// `--quantize GRID`.
    pub quantize: String,
    /// `--tempo BPM`.
    pub tempo: f64,
    /// `--meter B/U`.
    pub meter: String,
    /// `--strength PERCENT`.
    pub strength: f64,
    /// `-o FILE` (standard output when absent or `-`).
    pub output: Option<PathBuf>,
}

/// How often the input is looked at.
const TICK: Duration = Duration::from_millis(1);

/// The bars `--bars` takes.
const MOST_BARS: u32 = 64;

fn parse_meter(text: &str) -> Result<Meter, Failure> {
    let bad = || {
        Failure::input(format!(
            "error: `{text}` is not a meter\n  = help: write beats/unit, e.g. --meter 4/4, 3/4 or 6/8"
        ))
    };
    let (beats, unit) = text.trim().split_once('/').ok_or_else(bad)?;
    let beats = beats.parse::<u32>().map_err(|_| bad())?;
    let unit = unit.parse::<u32>().map_err(|_| bad())?;
    Meter::new(beats, unit).map_err(|e| Failure::input(format!("error: --meter {text}: {e}")))
}

/// Grid steps per bar for `grid` (a note value: 1/8, 1/16, 1/16T …) in `meter`.
fn steps_per_bar(grid: &str, meter: Meter) -> Result<u32, Failure> {
    let value = parse_rate(grid).ok_or_else(|| {
        Failure::input(format!(
            "error: `{grid}` is not a grid\n  = help: give a note value: --quantize 1/8, 1/16, 1/16T (triplets) or 1/32"
        ))
    })?;
    let steps = meter.bar_in_whole_notes() / value;
    if *steps.denom() != 1 || !(1..=1024).contains(steps.numer()) {
        return Err(Failure::input(format!(
            "error: a bar of {}/{} does not divide into {grid} steps\n  = help: pick a grid that fits the bar, e.g. 1/16 or 1/8",
            meter.beats, meter.unit
        )));
    }
    Ok(*steps.numer() as u32)
}

/// Listens until the first note, then records `--bars` bars from it (the first note is the
/// downbeat of bar 1), and writes the take as a song.
pub fn run(args: &RecordArgs) -> Result<ExitCode, Failure> {
    let target = InputTarget::parse(&args.input).map_err(Failure::input)?;
    if !(1..=MOST_BARS).contains(&args.bars) {
        return Err(Failure::input(format!(
            "error: --bars must be 1–{MOST_BARS}, got {}",
            args.bars
        )));
    }
    if !(args.tempo.is_finite() && (20.0..=999.0).contains(&args.tempo)) {
        return Err(Failure::input(format!(
            "error: --tempo must be 20–999 BPM, got {}",
            args.tempo
        )));
    }
    if !(args.strength.is_finite() && (0.0..=100.0).contains(&args.strength)) {
        return Err(Failure::input(format!(
            "error: --strength must be 0–100 (%), got {}",
            args.strength
        )));
    }
    let meter = parse_meter(&args.meter)?;
    let steps = steps_per_bar(&args.quantize, meter)?;
    let recording = Recording {
        bpm: args.tempo,
        meter: (meter.beats, meter.unit),
        bars: args.bars,
        steps,
        strength: args.strength / 100.0,
    };
    let take_seconds = f64::from(args.bars) * meter.quarters_per_bar() * 60.0 / args.tempo;

    let mut input = rig::open_input(&target)?;
    let Some(mut messages) = input.messages.take() else {
        return Err(Failure::io("error: the input gave no messages to record"));
    };
    let stop = Arc::new(AtomicBool::new(false));
    interrupt::raise_on_interrupt(&stop, 130)?;
    eprintln!(
        "flam: listening to {}; recording starts with the first note: {} bars at {} BPM, on a {} grid",
        input.description, args.bars, args.tempo, args.quantize
    );

    let mut start: Option<Instant> = None;
    let mut held: Vec<(u8, u8, f64, u8)> = Vec::new();
    let mut played: Vec<PlayedNote> = Vec::new();
    let seconds = |start: Instant, at: Instant| {
        at.checked_duration_since(start)
            .map_or(0.0, |d| d.as_secs_f64())
    };
    loop {
        if stop.load(Ordering::Acquire) {
            eprintln!("flam: stopped; nothing was written");
            return Ok(ExitCode::from(130));
        }
        if input.gone.load(Ordering::Acquire) {
            return Err(Failure::io(format!(
                "error: the input {} went away while recording; nothing was written",
                input.description
            )));
        }
        while let Ok(stamped) = messages.pop() {
            match stamped.message {
                Incoming::NoteOn {
                    channel,
                    key,
                    velocity,
                } => {
                    let origin = *start.get_or_insert_with(|| {
                        eprintln!("flam: recording");
                        stamped.at
                    });
                    held.push((channel, key, seconds(origin, stamped.at), velocity));
                }
                Incoming::NoteOff { channel, key, .. } => {
                    if let (Some(origin), Some(i)) = (
                        start,
                        held.iter().position(|h| h.0 == channel && h.1 == key),
                    ) {
                        let (channel, key, at, velocity) = held.remove(i);
                        played.push(PlayedNote {
                            at,
                            held: seconds(origin, stamped.at) - at,
                            channel,
                            key,
                            velocity,
                        });
                    }
                }
                _ => {}
            }
        }
        if let Some(origin) = start
            && seconds(origin, Instant::now()) >= take_seconds
        {
            break;
        }
        std::thread::sleep(TICK);
    }
    // Keys still down at the end sound to the end of the take.
    for (channel, key, at, velocity) in held {
        played.push(PlayedNote {
            at,
            held: take_seconds - at,
            channel,
            key,
            velocity,
        });
    }
    played.sort_by(|a, b| a.at.total_cmp(&b.at));
    let text = song_text(&played, &recording, &input.description);
    write(args.output.as_deref(), &text)?;
    eprintln!(
        "flam: recorded {} notes in {} bars",
        played.len(),
        args.bars
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes the song to `out` (atomically for a file) or to standard output.
fn write(out: Option<&Path>, text: &str) -> Result<(), Failure> {
    let out = out.unwrap_or(Path::new("-"));
    let fail =
        |e: std::io::Error| Failure::io(format!("error: cannot write `{}`: {e}", out.display()));
    let destination = Destination::resolve(out).map_err(fail)?;
    destination.write_all(text.as_bytes()).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_divide_the_bar_into_whole_steps() {
        let four = Meter::new(4, 4).unwrap();
        assert_eq!(steps_per_bar("1/16", four).unwrap(), 16);
        assert_eq!(steps_per_bar("1/16T", four).unwrap(), 24);
        assert_eq!(steps_per_bar("1/8", Meter::new(6, 8).unwrap()).unwrap(), 6);
        assert!(steps_per_bar("1/4", Meter::new(7, 8).unwrap()).is_err());
        assert!(steps_per_bar("sixteenths", four).is_err());
    }
}
