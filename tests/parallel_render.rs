//! `flam render` on several threads: each MIDI channel has a synthesizer of its own, the
//! stems are summed in channel order, and the file is the same for any number of threads and
//! within float rounding of one synthesizer playing everything.

#[path = "support/cli.rs"]
#[allow(dead_code)]
mod cli;

use flam::lang::song::{Song, compile};
use flam::output::length::Length;
use flam::output::render::{self, RenderOptions, Rendered};
use flam::output::render_groups::Grouping;
use flam::output::soundfont::{self, Source};

const RATE: u32 = 48_000;

fn song(path: &str) -> Song {
    compile(&std::fs::read_to_string(path).expect("song file")).expect("compiles")
}

/// The song rendered with the built-in font, interleaved, and what the render reported.
fn rendered(song: &Song, bars: u32, options: &RenderOptions) -> (Vec<f32>, Rendered) {
    let font = soundfont::load(&Source::BuiltIn).expect("built-in font");
    let mut out = Vec::new();
    let report = render::render(
        song,
        &font,
        Length::Bars(bars),
        options,
        &mut |frames| {
            out.extend_from_slice(frames);
            Ok(())
        },
        &mut |_| {},
    )
    .expect("render");
    (out, report)
}

fn options(grouping: Grouping, jobs: usize) -> RenderOptions {
    let mut options = RenderOptions::new(RATE);
    options.grouping = grouping;
    options.jobs = jobs;
    options
}

/// The difference's RMS in dB below the reference's RMS.
fn null_db(reference: &[f32], other: &[f32]) -> f64 {
    assert_eq!(reference.len(), other.len(), "the same length");
    let signal: f64 = reference.iter().map(|&x| f64::from(x).powi(2)).sum();
    let error: f64 = reference
        .iter()
        .zip(other)
        .map(|(&a, &b)| (f64::from(a) - f64::from(b)).powi(2))
        .sum();
    10.0 * (error.max(1e-300) / signal).log10()
}

#[test]
fn a_render_sounds_the_same_on_one_core_and_on_two() {
    let dir = cli::scratch("jobs");
    let wav = |jobs: &str| {
        let out = dir.join(format!("rock-{jobs}.wav"));
        let path = out.to_str().expect("a path");
        cli::flam_ok(&[
            "render",
            "patterns/rock.flam",
            "-o",
            path,
            "--bars",
            "2",
            "--format",
            "float",
            "--jobs",
            jobs,
        ]);
        std::fs::read(&out).expect("the WAV")
    };
    let one = wav("1");
    assert!(one.len() > 100_000, "a real render");
    assert!(one == wav("2"), "--jobs 1 and --jobs 2 differ");
    assert!(
        one == wav("64"),
        "--jobs 1 and more threads than channels differ"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_channel_gets_a_synthesizer_and_the_threads_change_no_sample() {
    let rock = song("patterns/rock.flam");
    let (one, report) = rendered(&rock, 2, &options(Grouping::ByChannel, 1));
    assert!(report.groups >= 3, "drums, bass and guitar: {report:?}");
    let (three, _) = rendered(&rock, 2, &options(Grouping::ByChannel, 3));
    assert!(one == three, "one thread and three differ");
}

#[test]
fn a_song_split_by_channel_sounds_as_it_does_on_one_synthesizer() {
    // Reverb and chorus are linear and shared, so only the order floats are added in differs.
    let night = song("patterns/night-drive.flam");
    let (one_synth, _) = rendered(&night, 2, &options(Grouping::OneSynth, 1));
    let (split, report) = rendered(&night, 2, &options(Grouping::ByChannel, 2));
    assert!(report.groups > 1);
    let db = null_db(&one_synth, &split);
    assert!(
        db < -100.0,
        "the split render is only {db:.1} dB below the signal"
    );
}

/// A song too dense for one synthesizer's 256 voices: long pad chords on three channels.
const DENSE: &str = "tempo 240
track pad1 channel 1 program 89
  play \"[c3,e3,g3,b3,d4,f4,a4,c5]*16\"
  legato 4
track pad2 channel 2 program 89
  play \"[d3,f3,a3,c4,e4,g4,b4,d5]*16\"
  legato 4
track pad3 channel 3 program 89
  play \"[e3,g3,b3,d4,f4,a4,c5,e5]*16\"
  legato 4
";

#[test]
fn a_dense_song_loses_no_notes_on_channel_synthesizers_that_one_synthesizer_keeps() {
    let dense = compile(DENSE).expect("compiles");
    let unlimited = |grouping| {
        let mut options = options(grouping, 2);
        // The limiter would turn a louder bar down; compare what the voices play.
        options.limiter = false;
        options
    };
    let (one_synth, one_report) = rendered(&dense, 2, &unlimited(Grouping::OneSynth));
    let (split, split_report) = rendered(&dense, 2, &unlimited(Grouping::ByChannel));
    assert!(
        one_report.stolen > 0,
        "the song should be too dense for one synthesizer"
    );
    eprintln!(
        "voices stolen: one synthesizer {}, one per channel {}",
        one_report.stolen, split_report.stolen
    );
    assert!(
        split_report.stolen <= one_report.stolen,
        "split {} stolen, one synthesizer {}",
        split_report.stolen,
        one_report.stolen
    );
    // Every half bar sounds at least as full as on one synthesizer.
    let half_bar = (RATE as usize / 2) * 2;
    for (i, (a, b)) in one_synth
        .chunks(half_bar)
        .zip(split.chunks(half_bar))
        .enumerate()
    {
        let energy = |x: &[f32]| x.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>();
        assert!(
            energy(b) >= energy(a) * 0.999,
            "half bar {i} is quieter split: {} < {}",
            energy(b),
            energy(a)
        );
    }
}

#[test]
fn render_refuses_no_threads_or_a_word_for_jobs() {
    for jobs in ["0", "two", "-1", "", "1.5"] {
        let flag = format!("--jobs={jobs}");
        let out = cli::flam(&[
            "render",
            "patterns/rock.flam",
            "-o",
            "/tmp/never-written.wav",
            &flag,
        ]);
        let message = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "--jobs {jobs:?}: {message}");
        assert!(message.contains("--jobs"), "{message}");
        assert!(message.contains("1 or more"), "{message}");
        assert!(!message.contains("panicked"), "{message}");
    }
}
