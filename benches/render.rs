//! Render benchmarks: flam's render time on one thread and on every core beside FluidSynth's
//! fast render of the same song exported to MIDI, with TimGM6mb and FluidR3_GM (64 bars of
//! bundled songs and of a dense 8-track song), with the null test of the split render against
//! one synthesizer; real-time factor for the demo songs with the built-in SoundFont and
//! FluidR3_GM beside FluidSynth's; SoundFont load time and peak memory; the live audio
//! callback's cost for 256-frame buffers with 32 and 64 voices; and start-up to first sound
//! for `flam play --out synth`.
//!
//! Run: `cargo bench --bench render` (`cargo bench --bench render -- head-to-head` for the
//! comparison with FluidSynth alone). The comparisons need `fluidsynth`, `timgm6mb-soundfont`
//! and `fluid-soundfont-gm` from apt, the start-up on JACK `jackd2`; each is skipped when
//! missing.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use flam::engine::message::Message;
use flam::engine::midi::Midi;
use flam::engine::sink::Sink;
use flam::lang::song::{Song, compile};
use flam::output::length::Length;
use flam::output::render::{self, RenderOptions};
use flam::output::render_groups::Grouping;
use flam::output::smf;
use flam::output::soundfont::{self, Source};
use flam::output::synth_callback::SynthCallback;
use flam::output::synth_sink::SynthSink;
use flam::session::play_options::PlayOptions;
use flam::session::player::Player;
use rustysynth::SoundFont;

const FLUID_R3: &str = "/usr/share/sounds/sf2/FluidR3_GM.sf2";
const TIM: &str = "/usr/share/sounds/sf2/TimGM6mb.sf2";
/// Eight busy tracks on eight channels, for FluidR3_GM.
const DENSE: &str = "benches/songs/dense-8-tracks.flam";
/// The length of the head-to-head renders.
const LONG_BARS: u32 = 64;
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

/// CPU seconds `clock` has counted (`CLOCK_THREAD_CPUTIME_ID`, `CLOCK_PROCESS_CPUTIME_ID`).
fn cpu_seconds(clock: libc::clockid_t) -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec, which lives on this stack frame.
    unsafe { libc::clock_gettime(clock, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

/// CPU seconds this thread has used.
fn thread_cpu() -> f64 {
    cpu_seconds(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// CPU seconds this process has used, every thread together.
fn process_cpu() -> f64 {
    cpu_seconds(libc::CLOCK_PROCESS_CPUTIME_ID)
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

/// Seconds of audio and seconds of CPU for one render on one thread (the fastest of
/// [`RUNS`]).
fn render_rtf(song_path: &Path, font: &Arc<SoundFont>) -> (f64, f64) {
    let song = compile(&std::fs::read_to_string(song_path).unwrap()).unwrap();
    let one = timed_render(&song, font, BARS, 1);
    (one.audio, one.cpu)
}

/// One render's cost: wall seconds and CPU seconds (every thread), the fastest of [`RUNS`]
/// by wall time, and the seconds of audio.
#[derive(Clone, Copy, Debug)]
struct Timing {
    wall: f64,
    cpu: f64,
    audio: f64,
}

/// flam renders `bars` of `song` on `jobs` threads.
fn timed_render(song: &Song, font: &Arc<SoundFont>, bars: u32, jobs: usize) -> Timing {
    let mut options = RenderOptions::new(RATE);
    options.jobs = jobs;
    let mut best = Timing {
        wall: f64::MAX,
        cpu: f64::MAX,
        audio: 0.0,
    };
    for _ in 0..RUNS {
        let mut frames = 0u64;
        let (wall, cpu) = (Instant::now(), process_cpu());
        render_into(song, font, bars, &options, |f| frames += f.len() as u64 / 2);
        let (wall, cpu) = (wall.elapsed().as_secs_f64(), process_cpu() - cpu);
        if wall < best.wall {
            best = Timing {
                wall,
                cpu,
                audio: frames as f64 / f64::from(RATE),
            };
        }
    }
    best
}

/// Renders `bars` of `song`, handing each stretch of interleaved stereo samples to `each`.
fn render_into(
    song: &Song,
    font: &Arc<SoundFont>,
    bars: u32,
    options: &RenderOptions,
    mut each: impl FnMut(&[f32]),
) {
    render::render(
        song,
        font,
        Length::Bars(bars),
        options,
        &mut |f| {
            each(f);
            Ok(())
        },
        &mut |_| {},
    )
    .unwrap();
}

/// The null test: the split render against one synthesizer playing every channel (the
/// render as it was before it ran in parallel). The difference's RMS in dB below the
/// signal's RMS.
fn null_test(song: &Song, font: &Arc<SoundFont>, bars: u32) -> f64 {
    let samples = |grouping| {
        let mut options = RenderOptions::new(RATE);
        options.grouping = grouping;
        let mut out = Vec::new();
        render_into(song, font, bars, &options, |f| out.extend_from_slice(f));
        out
    };
    let (one, split) = (samples(Grouping::OneSynth), samples(Grouping::ByChannel));
    let signal: f64 = one.iter().map(|&x| f64::from(x).powi(2)).sum();
    let error: f64 = one
        .iter()
        .zip(&split)
        .map(|(&a, &b)| (f64::from(a) - f64::from(b)).powi(2))
        .sum::<f64>()
        + (one.len().abs_diff(split.len()) as f64);
    10.0 * (error.max(1e-300) / signal.max(1e-300)).log10()
}

/// The load average over the last minute and the number of cores, to say how busy the host
/// was while measuring.
fn host_load() -> (f64, usize) {
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(f64::NAN);
    (load, render::default_jobs())
}

/// flam on one thread and on every core against FluidSynth, `LONG_BARS` of each song with
/// each font: times, ratios against the issue's targets, and the null test.
fn head_to_head(dir: &Path, have_fluidsynth: bool) {
    let cores = render::default_jobs();
    let (load, _) = host_load();
    println!(
        "flam render against FluidSynth {LONG_BARS} bars, {RATE} Hz, reverb and chorus on, fastest of {RUNS} runs; {cores} cores, load average {load:.2} at the start{}",
        if load > 0.5 {
            " (the host is busy: other work shares the cores)"
        } else {
            ""
        }
    );
    println!(
        "{:<11} {:<20} {:>7} | {:>9} | {:>10} {:>9} | {:>9} | {:>6} {:>7} {:>6} | {:>9}",
        "font",
        "song",
        "audio s",
        "-j1 CPU s",
        format!("-j{cores} wall s"),
        "(CPU s)",
        "fluid s",
        "-j1 ×",
        format!("-j{cores} ×"),
        "target",
        "null test"
    );
    let cases: [(&str, &str, &[&str], f64); 2] = [
        (
            "TimGM6mb",
            TIM,
            &["patterns/house.flam", "patterns/night-drive.flam", DENSE],
            0.40,
        ),
        (
            "FluidR3_GM",
            FLUID_R3,
            &[DENSE, "patterns/night-drive.flam"],
            0.5,
        ),
    ];
    for (label, path, songs, target) in cases {
        if !Path::new(path).exists() {
            println!("{label:<11} skipped: {path} is not installed");
            continue;
        }
        let font = soundfont::load(&Source::File(PathBuf::from(path))).unwrap();
        let overhead = have_fluidsynth
            .then(|| {
                let song = compile("track a\n  play \"c4\"\n").unwrap();
                let mid = dir.join("one.mid");
                std::fs::write(&mid, smf::export(&song, Length::Bars(1)).bytes).unwrap();
                fluidsynth(path, &mid, &dir.join("one.wav"))
            })
            .flatten();
        for song_path in songs.iter() {
            let name = Path::new(song_path)
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let song = compile(&std::fs::read_to_string(song_path).unwrap()).unwrap();
            let one = timed_render(&song, &font, LONG_BARS, 1);
            let all = timed_render(&song, &font, LONG_BARS, cores);
            let mid = dir.join(format!("{name}-{LONG_BARS}.mid"));
            std::fs::write(&mid, smf::export(&song, Length::Bars(LONG_BARS)).bytes).unwrap();
            let fluid = overhead.and_then(|over| {
                let t = fluidsynth(path, &mid, &dir.join(format!("{name}.wav")))?;
                Some((t - over).max(1e-3))
            });
            let ratio = |flam: f64| fluid.map_or("-".to_string(), |f| format!("{:.2}", flam / f));
            println!(
                "{label:<11} {name:<20} {:>7.1} | {:>9.3} | {:>10.3} {:>9} | {:>9} | {:>6} {:>7} {:>6} | {:>6.0} dB",
                one.audio,
                one.cpu,
                all.wall,
                format!("({:.3})", all.cpu),
                fluid.map_or("-".to_string(), |f| format!("{f:.3}")),
                ratio(one.cpu),
                ratio(all.wall),
                format!("≤{target:.2}"),
                null_test(&song, &font, LONG_BARS),
            );
        }
    }
    let (load, _) = host_load();
    println!(
        "(× = flam's time / FluidSynth's: -j1 by CPU time, -j{cores} by wall time, what a user waits; FluidSynth `-F` on one core, its fastest here, CPU time with its start-up and font load taken off; null test = the split render's difference from one synthesizer, RMS in dB below the signal; load average {load:.2} at the end)\n"
    );
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

/// The live audio callback's cost for one 256-frame buffer with `voices` sustained notes:
/// the whole callback (ring, synthesizer, limiter, interleaving), as a share of the period.
fn block_cost(font: &Arc<SoundFont>, voices: usize) -> f64 {
    let (mut sink, mut callback) = SynthSink::new(font, RATE).unwrap();
    let (mut out, latency) = (vec![0.0f32; 512], Duration::from_millis(5));
    let mut now = Instant::now();
    let period = Duration::from_secs_f64(256.0 / f64::from(RATE));
    callback.render(&mut out, 2, |x| x, now, latency);
    sink.start(now);
    // Sustained notes: a pad on channel 1 (program 89) and an organ on channel 2.
    let mut send = |m: Message, at: f64| sink.send(Midi::Channel(m), at).unwrap();
    send(
        Message::ProgramChange {
            channel: 1,
            program: 89,
        },
        0.0,
    );
    send(
        Message::ProgramChange {
            channel: 2,
            program: 16,
        },
        0.0,
    );
    for i in 0..voices {
        let channel = if i % 2 == 0 { 1 } else { 2 };
        let key = 36 + (i as u8 * 5) % 60;
        send(
            Message::NoteOn {
                channel,
                key,
                velocity: 90,
            },
            0.02 + i as f64 * 1e-4,
        );
    }
    // Let attacks finish, then time 2000 callbacks (about 10.7 s of audio).
    for _ in 0..200 {
        now += period;
        callback.render(&mut out, 2, |x| x, now, latency);
    }
    let blocks = 2000;
    let started = thread_cpu();
    for _ in 0..blocks {
        now += period;
        callback.render(&mut out, 2, |x| x, now, latency);
    }
    let per_block = (thread_cpu() - started) / f64::from(blocks);
    per_block / period.as_secs_f64()
}

/// A thread standing in for a sound card: calls the callback every 256 frames, on time.
fn stand_in_card(
    mut callback: SynthCallback,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut out = vec![0.0f32; 512];
        let period = 256.0 / f64::from(RATE);
        let latency = Duration::from_secs_f64(period);
        let base = Instant::now();
        let mut k = 0u32;
        while !stop.load(Ordering::Acquire) {
            let due = base + Duration::from_secs_f64(f64::from(k) * period);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
            callback.render(&mut out, 2, |x| x, due, latency);
            k += 1;
        }
    })
}

/// Start-up to first sound in process, as `flam play` does it: the song compiles on one
/// thread while the SoundFont loads on another, then the synth starts on a stand-in card and
/// the player plays. Returns (compile, load, ready, first note heard) in seconds, and the
/// sequential time (compile then load) for comparison.
fn startup(song_path: &Path, source: &Source) -> ([f64; 4], f64) {
    let text = std::fs::read_to_string(song_path).unwrap();
    let started = Instant::now();
    let compiling = {
        let text = text.clone();
        std::thread::spawn(move || {
            let t = Instant::now();
            (compile(&text).unwrap(), t.elapsed().as_secs_f64())
        })
    };
    let loading = {
        let source = source.clone();
        std::thread::spawn(move || {
            let t = Instant::now();
            (soundfont::load(&source).unwrap(), t.elapsed().as_secs_f64())
        })
    };
    let (song, compiled) = compiling.join().unwrap();
    let (font, loaded) = loading.join().unwrap();
    let (sink, callback) = SynthSink::new(&font, RATE).unwrap();
    let meters = sink.meters();
    let stop = Arc::new(AtomicBool::new(false));
    let card = stand_in_card(callback, stop.clone());
    while meters.callbacks.load(Ordering::Acquire) == 0 {
        std::thread::sleep(Duration::from_micros(100));
    }
    let ready = started.elapsed().as_secs_f64();
    let outputs: Vec<(Box<dyn Sink>, f64)> = vec![(Box::new(sink), 0.0)];
    let player = Player::start(
        song,
        outputs,
        &PlayOptions {
            bars: Some(1),
            ..PlayOptions::default()
        },
    );
    let heard = loop {
        if let Some(h) = meters.first_note_heard().filter(|h| *h <= Instant::now()) {
            break h;
        }
        std::thread::sleep(Duration::from_micros(200));
    };
    player.stop();
    let _ = player.wait();
    stop.store(true, Ordering::Release);
    card.join().unwrap();
    let first = heard.saturating_duration_since(started).as_secs_f64();

    let t = Instant::now();
    let _ = compile(&text).unwrap();
    let _ = soundfont::load(source).unwrap();
    let sequential = t.elapsed().as_secs_f64();
    ([compiled, loaded, ready, first], sequential)
}

/// `flam play --out synth --audio jack --bars 1 --verbose` on a JACK dummy server: the
/// first-note time the binary reports, or `None` when jackd is missing.
fn startup_on_jack(soundfont: &str) -> Option<String> {
    let name = format!("flam-bench-{}", std::process::id());
    let mut server = Command::new("jackd")
        .args(["-n", &name, "-R", "-d", "dummy", "-r", "48000", "-p", "256"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let up = Command::new("jack_wait")
        .args(["-s", &name, "-w", "-t", "10"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let out = up
        .then(|| {
            Command::new(env!("CARGO_BIN_EXE_flam"))
                .args(["play", "patterns/house.flam", "--out", "synth", "--audio"])
                .args(["jack", "--bars", "1", "--verbose", "--soundfont", soundfont])
                .env("JACK_DEFAULT_SERVER", &name)
                .output()
                .ok()
        })
        .flatten();
    // SAFETY: kill(2) on our own child's pid; SIGTERM lets jackd clean up.
    unsafe { libc::kill(server.id() as i32, libc::SIGTERM) };
    let _ = server.wait();
    let stderr = String::from_utf8_lossy(&out?.stderr).into_owned();
    let pick = |key: &str| {
        stderr
            .lines()
            .find(|l| l.contains(key))
            .map(|l| l.trim_start_matches("flam: ").to_string())
    };
    Some(format!(
        "{}\n    {}",
        pick("compiled").unwrap_or_default(),
        pick("first note").unwrap_or_else(|| "no first note reported".into())
    ))
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
    head_to_head(&dir, have_fluidsynth);
    // `cargo bench --bench render -- head-to-head` stops here.
    if std::env::args().any(|a| a == "head-to-head") {
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
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
        "(×RT = seconds of audio per CPU second on one thread, fastest of {RUNS} runs; FluidSynth's start-up and font load taken off; ratio = flam / FluidSynth, target ≥ 1)\n"
    );

    for (label, font) in [("built-in", Some(&builtin)), ("FluidR3_GM", r3.as_ref())] {
        let Some(font) = font else { continue };
        for voices in [32, 64] {
            let share = block_cost(font, voices);
            println!(
                "live callback, 256 frames, {voices} voices, {label}: {:.3} ms = {:.1}% of the 5.33 ms period (target < 10%)",
                share * 256.0 / f64::from(RATE) * 1000.0,
                share * 100.0
            );
        }
    }

    println!("\nstart-up to first sound (house.flam; song and SoundFont loaded in parallel):");
    let house = Path::new("patterns/house.flam");
    let mut sources = vec![("built-in", Source::BuiltIn)];
    if have_r3 {
        sources.push(("FluidR3_GM", Source::File(PathBuf::from(FLUID_R3))));
    }
    for (label, source) in &sources {
        let ([compiled, loaded, ready, first], sequential) = startup(house, source);
        println!(
            "  in process, {label}: compile {:.1} ms ∥ load {:.1} ms (one after the other {:.1} ms); synth running {:.1} ms after start; first note heard at {:.0} ms (includes the player's {:.0} ms pre-roll)",
            compiled * 1000.0,
            loaded * 1000.0,
            sequential * 1000.0,
            ready * 1000.0,
            first * 1000.0,
            (first - ready) * 1000.0
        );
    }
    for (label, font) in [("built-in", "built-in"), ("FluidR3_GM", FLUID_R3)] {
        if label == "FluidR3_GM" && !have_r3 {
            continue;
        }
        match startup_on_jack(font) {
            Some(report) => println!("  flam play on a JACK dummy server, {label}: {report}"),
            None => println!("  flam play on JACK: skipped (jackd is not installed)"),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
