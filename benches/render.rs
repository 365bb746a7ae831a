//! Render benchmarks: real-time factor for the demo songs with the built-in SoundFont and
//! FluidR3_GM beside FluidSynth's own fast render of the exported MIDI file; SoundFont load
//! time and peak memory; and the cost of live-sized 256-frame blocks with 32 and 64 voices.
//!
//! Run: `cargo bench --bench render` (needs `fluid-soundfont-gm` and `fluidsynth` from apt for
//! the comparison columns; they are skipped when missing).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use flam::engine::message::Message;
use flam::lang::song::compile;
use flam::output::length::Length;
use flam::output::render::{self, RenderOptions};
use flam::output::smf;
use flam::output::soundfont::{self, Source};
use flam::output::synth::{Synth, SynthOptions};
use rustysynth::SoundFont;

const FLUID_R3: &str = "/usr/share/sounds/sf2/FluidR3_GM.sf2";
const RATE: u32 = 48_000;
const BARS: u32 = 16;

fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn vm_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// CPU seconds this thread has used.
fn thread_cpu() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec, which lives on this stack frame.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

/// CPU seconds (user and system) used by finished child processes.
fn children_cpu() -> f64 {
    // SAFETY: getrusage fills one rusage struct, which lives on this stack frame.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    tv(u.ru_utime) + tv(u.ru_stime)
}

/// How many times each render runs; the fastest counts (the machine is shared).
const RUNS: usize = 3;

/// Seconds of audio and seconds of CPU for one render (the fastest of [`RUNS`]).
fn render_rtf(song_path: &Path, font: &Arc<SoundFont>) -> (f64, f64) {
    let song = compile(&std::fs::read_to_string(song_path).unwrap()).unwrap();
    let mut best = f64::MAX;
    let mut audio = 0.0;
    for _ in 0..RUNS {
        let mut frames = 0u64;
        let started = thread_cpu();
        render::render(
            &song,
            font,
            Length::Bars(BARS),
            &RenderOptions::new(RATE),
            &mut |f| {
                frames += f.len() as u64 / 2;
                Ok(())
            },
            &mut |_| {},
        )
        .unwrap();
        best = best.min(thread_cpu() - started);
        audio = frames as f64 / f64::from(RATE);
    }
    (audio, best)
}

/// FluidSynth's fast render of a MIDI file: its CPU seconds (the fastest of [`RUNS`]).
fn fluidsynth(font: &str, mid: &Path, wav: &Path) -> Option<f64> {
    let mut best = f64::MAX;
    for _ in 0..RUNS {
        let before = children_cpu();
        let out = Command::new("fluidsynth")
            .args(["-ni", "-q", "-F"])
            .arg(wav)
            .args(["-r", &RATE.to_string(), font])
            .arg(mid)
            .output()
            .ok()?;
        if !out.status.success() {
            return None;
        }
        best = best.min(children_cpu() - before);
    }
    Some(best)
}

fn block_cost(font: &Arc<SoundFont>, voices: usize) -> f64 {
    let mut synth = Synth::new(font, &SynthOptions::new(RATE)).unwrap();
    // Sustained notes: a pad on channel 1 (program 89) and an organ on channel 2.
    synth.send(Message::ProgramChange {
        channel: 1,
        program: 89,
    });
    synth.send(Message::ProgramChange {
        channel: 2,
        program: 16,
    });
    for i in 0..voices {
        let channel = if i % 2 == 0 { 1 } else { 2 };
        let key = 36 + (i as u8 * 5) % 60;
        let _ = synth.schedule(
            i as u64,
            Message::NoteOn {
                channel,
                key,
                velocity: 90,
            },
        );
    }
    let (mut l, mut r) = (vec![0.0f32; 256], vec![0.0f32; 256]);
    // Let attacks finish, then time 2000 blocks (about 10.7 s of audio).
    for _ in 0..200 {
        synth.render(&mut l, &mut r);
    }
    let blocks = 2000;
    let started = Instant::now();
    for _ in 0..blocks {
        synth.render(&mut l, &mut r);
    }
    let per_block = started.elapsed().as_secs_f64() / f64::from(blocks);
    per_block / (256.0 / f64::from(RATE))
}

fn main() {
    let have_r3 = Path::new(FLUID_R3).exists();
    let have_fluidsynth = Command::new("fluidsynth").arg("--version").output().is_ok();
    println!("flam render benchmark ({RATE} Hz, {BARS} bars per song, effects on)\n");

    // Load FluidR3 first, so the peak memory is the load's.
    let base_rss = vm_rss_kb();
    let r3 = have_r3.then(|| {
        let started = Instant::now();
        let font = soundfont::load(&Source::File(PathBuf::from(FLUID_R3))).unwrap();
        let took = started.elapsed().as_secs_f64();
        let size = std::fs::metadata(FLUID_R3).map(|m| m.len()).unwrap_or(0);
        let hwm = vm_hwm_kb();
        println!(
            "FluidR3_GM load: {:.0} ms; file {:.1} MB; peak resident {:.1} MB (before load {:.1} MB); target ≤ {:.1} MB",
            took * 1000.0,
            size as f64 / 1e6,
            hwm as f64 / 1000.0,
            base_rss as f64 / 1000.0,
            size as f64 / 1e6 + 40.0
        );
        font
    });
    let started = Instant::now();
    let builtin = soundfont::load(&Source::BuiltIn).unwrap();
    println!(
        "built-in load: {:.1} ms ({:.1} MB)\n",
        started.elapsed().as_secs_f64() * 1000.0,
        soundfont::BUILT_IN.len() as f64 / 1e6
    );

    let dir = std::env::temp_dir().join(format!("flam-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // FluidSynth's start-up and font load, timed on a one-note file, is taken off its times.
    let fluid_overhead = |font: &str| -> Option<f64> {
        let song = compile("track a\n  play \"c4\"\n").unwrap();
        let mid = dir.join("one.mid");
        std::fs::write(&mid, smf::export(&song, Length::Bars(1)).bytes).unwrap();
        fluidsynth(font, &mid, &dir.join("one.wav"))
    };
    let builtin_path = "soundfonts/flam-default.sf2";
    let over_builtin = if have_fluidsynth {
        fluid_overhead(builtin_path)
    } else {
        None
    };
    let over_r3 = if have_fluidsynth && have_r3 {
        fluid_overhead(FLUID_R3)
    } else {
        None
    };

    println!(
        "{:<22} {:>7} | {:>10} {:>12} {:>6} | {:>10} {:>12} {:>6}",
        "song",
        "audio s",
        "flam×RT",
        "fluidsynth×RT",
        "ratio",
        "flam R3×RT",
        "fluid R3×RT",
        "ratio"
    );
    let mut songs: Vec<PathBuf> = std::fs::read_dir("patterns")
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "flam"))
        .collect();
    songs.sort();
    for path in songs {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let song = compile(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mid = dir.join(format!("{name}.mid"));
        std::fs::write(&mid, smf::export(&song, Length::Bars(BARS)).bytes).unwrap();
        let (audio, cpu) = render_rtf(&path, &builtin);
        let flam_rt = audio / cpu;
        let fluid = |font: &str, over: Option<f64>| -> Option<f64> {
            let t = fluidsynth(font, &mid, &dir.join(format!("{name}.wav")))?;
            Some(audio / (t - over.unwrap_or(0.0)).max(1e-3))
        };
        let fluid_rt = if have_fluidsynth {
            fluid(builtin_path, over_builtin)
        } else {
            None
        };
        let (r3_rt, fluid_r3_rt) = match &r3 {
            Some(font) => {
                let (a, c) = render_rtf(&path, font);
                (
                    Some(a / c),
                    if have_fluidsynth {
                        fluid(FLUID_R3, over_r3)
                    } else {
                        None
                    },
                )
            }
            None => (None, None),
        };
        let show = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.0}"));
        let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => format!("{:.2}", a / b),
            _ => "-".to_string(),
        };
        println!(
            "{name:<22} {audio:>7.1} | {:>10} {:>12} {:>6} | {:>10} {:>12} {:>6}",
            show(Some(flam_rt)),
            show(fluid_rt),
            ratio(Some(flam_rt), fluid_rt),
            show(r3_rt),
            show(fluid_r3_rt),
            ratio(r3_rt, fluid_r3_rt),
        );
    }
    println!(
        "(×RT = seconds of audio per CPU second, fastest of {RUNS} runs; FluidSynth's start-up and font load taken off; ratio = flam / FluidSynth, target ≥ 1)\n"
    );

    for (label, font) in [("built-in", Some(&builtin)), ("FluidR3_GM", r3.as_ref())] {
        let Some(font) = font else { continue };
        for voices in [32, 64] {
            let share = block_cost(font, voices);
            println!(
                "256-frame block, {voices} voices, {label}: {:.3} ms = {:.1}% of the 5.33 ms period (target < 10%)",
                share * 256.0 / f64::from(RATE) * 1000.0,
                share * 100.0
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
