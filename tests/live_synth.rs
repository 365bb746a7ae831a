//! The live synth output without an audio device: its audio callback is driven directly, in
//! real time, by a thread standing in for the sound card. It never allocates or locks, plays
//! exactly what the one-synthesizer render renders, takes a reloaded song at the bar line, and on a stop
//! releases every note and lets the tail ring out.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use flam::engine::message::Message;
use flam::engine::sink::Sink;
use flam::lang::song::{Song, compile};
use flam::output::length::{Length, messages};
use flam::output::render::{self, RenderOptions, frame_of, preroll};
use flam::output::soundfont::{self, Source};
use flam::output::synth_meters::SynthMeters;
use flam::output::synth_sink::SynthSink;
use flam::session::play_options::PlayOptions;
use flam::session::player::Player;

#[global_allocator]
static ALLOCATOR: assert_no_alloc::AllocDisabler = assert_no_alloc::AllocDisabler;

const RATE: u32 = 48_000;
const PERIOD: usize = 256;

/// What the stand-in sound card heard, and how often the callback allocated.
struct Heard {
    samples: Vec<f32>,
    violations: u32,
    callbacks: u64,
}

/// How the stand-in card asks for sound.
#[derive(Clone, Copy)]
enum Layout {
    /// Interleaved frames, 256 at a time, as ALSA through cpal asks.
    Interleaved,
    /// One buffer per channel, 1500 frames at a time (longer than the callback's scratch
    /// buffers, so each period is rendered in pieces), as JACK asks.
    Split,
}

impl Layout {
    fn period(self) -> usize {
        match self {
            Layout::Interleaved => PERIOD,
            Layout::Split => 1500,
        }
    }
}

/// A thread that calls the audio callback every period on a perfect clock, as a sound card
/// would, each call inside `assert_no_alloc`.
struct Card {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Heard>,
}

impl Card {
    fn start(
        mut callback: flam::output::synth_callback::SynthCallback,
        seconds: f64,
        layout: Layout,
    ) -> Card {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let period = layout.period();
            let mut buffer = vec![0.0f32; period * 2];
            let (mut left, mut right) = (vec![0.0f32; period], vec![0.0f32; period]);
            // Room for everything, so keeping it never allocates either.
            let mut samples = Vec::with_capacity((seconds * f64::from(RATE)) as usize * 2);
            let latency = Duration::from_secs_f64(period as f64 / f64::from(RATE));
            let base = Instant::now();
            let mut violations = 0;
            let mut k = 0u64;
            while !flag.load(Ordering::Acquire)
                && samples.len() + buffer.len() <= samples.capacity()
            {
                let due =
                    base + Duration::from_secs_f64((k * period as u64) as f64 / f64::from(RATE));
                if let Some(wait) = due.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
                #[cfg(debug_assertions)]
                let before = assert_no_alloc::violation_count();
                assert_no_alloc::assert_no_alloc(|| match layout {
                    Layout::Interleaved => callback.render(&mut buffer, 2, |x| x, due, latency),
                    Layout::Split => callback.render_split(&mut left, &mut right, due, latency),
                });
                #[cfg(debug_assertions)]
                {
                    violations += assert_no_alloc::violation_count() - before;
                }
                if let Layout::Split = layout {
                    for ((frame, &l), &r) in buffer.chunks_exact_mut(2).zip(&left).zip(&right) {
                        frame[0] = l;
                        frame[1] = r;
                    }
                }
                samples.extend_from_slice(&buffer);
                k += 1;
            }
            Heard {
                samples,
                violations,
                callbacks: k,
            }
        });
        Card { stop, thread }
    }

    fn stop(self) -> Heard {
        self.stop.store(true, Ordering::Release);
        self.thread.join().expect("the card thread")
    }
}

/// A synth sink with its callback running on a stand-in card (for at most `seconds`).
fn live_synth(seconds: f64, layout: Layout) -> (SynthSink, Arc<SynthMeters>, Card) {
    let font = soundfont::load(&Source::BuiltIn).expect("built-in font");
    let (sink, callback) = SynthSink::new(&font, RATE).expect("synth");
    let meters = sink.meters();
    let card = Card::start(callback, seconds, layout);
    while meters.callbacks.load(Ordering::Acquire) == 0 {
        std::thread::sleep(Duration::from_millis(1));
    }
    (sink, meters, card)
}

fn play(song: Song, sink: SynthSink, bars: Option<i64>) -> Player {
    let outputs: Vec<(Box<dyn Sink>, f64)> = vec![(Box::new(sink), 0.0)];
    Player::start(
        song,
        outputs,
        &PlayOptions {
            bars,
            ..PlayOptions::default()
        },
    )
}

/// The song rendered offline (interleaved) and the frames its notes start on.
fn rendered(song: &Song, bars: u32) -> (Vec<f32>, Vec<usize>) {
    let font = soundfont::load(&Source::BuiltIn).expect("built-in font");
    let mut out = Vec::new();
    // The live synth is one synthesizer: it matches, bit for bit, the render on one
    // synthesizer (`flam render` splits by channel, which differs by float rounding only).
    let mut one_synth = RenderOptions::new(RATE);
    one_synth.grouping = flam::output::render_groups::Grouping::OneSynth;
    render::render(
        song,
        &font,
        Length::Bars(bars),
        &one_synth,
        &mut |frames| {
            out.extend_from_slice(frames);
            Ok(())
        },
        &mut |_| {},
    )
    .expect("render");
    let (list, _) = messages(song, Length::Bars(bars));
    let pre = preroll(&list, RATE) as i64;
    let onsets = list
        .iter()
        .filter(|t| matches!(t.message, Message::NoteOn { .. }))
        .map(|t| (frame_of(t.seconds, RATE) + pre) as usize)
        .collect();
    (out, onsets)
}

/// The first frame louder than −60 dBFS on either side.
fn first_sound(interleaved: &[f32]) -> usize {
    interleaved
        .chunks_exact(2)
        .position(|f| f[0].abs().max(f[1].abs()) > 1e-3)
        .expect("some sound")
}

fn peak(interleaved: &[f32]) -> f32 {
    interleaved.iter().fold(0.0f32, |m, x| m.max(x.abs()))
}

const DENSE: &str = "tempo 300\ntrack hats drums\n  play \"hh*16\"\n  humanize 3ms 10\ntrack snare drums\n  play \"~ sn ~ [sn sn]\"\ntrack keys channel 1 program 1\n  play \"[c4,e4,g4,b4]*4\"\ntrack bass channel 2 program 33\n  play \"c2*8\"\n  legato 2\n";

#[test]
fn the_audio_callback_never_allocates_through_a_dense_song_a_reload_and_the_end() {
    never_allocates(Layout::Interleaved);
}

#[test]
fn the_jack_callback_never_allocates_even_on_periods_longer_than_its_scratch() {
    never_allocates(Layout::Split);
}

fn never_allocates(layout: Layout) {
    let (sink, meters, card) = live_synth(12.0, layout);
    let song = compile(DENSE).expect("compiles");
    let player = play(song, sink, Some(6));
    std::thread::sleep(Duration::from_millis(1200));
    // A reload mid-song: the planner swaps at the bar line; the callback sees only messages.
    player.swap(compile(&DENSE.replace("c4,e4,g4,b4", "d4,f4,a4,c5")).expect("compiles"));
    let ending = player.wait();
    let heard = card.stop();
    assert!(
        ending
            .outcomes
            .iter()
            .all(|o| *o == flam::engine::outcome::Outcome::Finished),
        "{:?}",
        ending.outcomes
    );
    println!(
        "{} callbacks, {} underruns, {} late notes",
        heard.callbacks,
        meters.underruns(),
        meters.late_notes.load(Ordering::Relaxed)
    );
    #[cfg(debug_assertions)]
    assert_eq!(heard.violations, 0, "the audio callback allocated");
    assert_eq!(meters.late_notes.load(Ordering::Relaxed), 0);
    assert!(peak(&heard.samples) > 0.1, "it played");
    // Every note ended: the last 100 ms are silent.
    let tail = &heard.samples[heard.samples.len() - RATE as usize / 5..];
    assert!(
        peak(tail) < 1e-4,
        "still sounding at the end: {}",
        peak(tail)
    );
}

const ONSETS: &str = "tempo 200\ntrack click drums\n  play \"rim*8\"\n  humanize 3ms 5\ntrack kick drums\n  play \"bd ~ [~ bd] ~\"\ntrack bass channel 2 program 33\n  play \"c2 [e2 g2] c2 ~\"\n  gate 60%\n";

#[test]
fn the_live_synth_plays_the_offline_render_sample_for_sample() {
    plays_the_render(Layout::Interleaved);
}

#[test]
fn the_live_synth_on_split_channels_plays_the_offline_render_sample_for_sample() {
    plays_the_render(Layout::Split);
}

fn plays_the_render(layout: Layout) {
    let bars = 3;
    let (sink, meters, card) = live_synth(12.0, layout);
    let song = compile(ONSETS).expect("compiles");
    let player = play(song.clone(), sink, Some(i64::from(bars)));
    let _ = player.wait();
    let heard = card.stop();
    assert_eq!(meters.late_notes.load(Ordering::Relaxed), 0);
    let (want, onsets) = rendered(&song, bars);
    let shift = first_sound(&heard.samples) - first_sound(&want);
    let live = &heard.samples[shift * 2..];
    let n = want.len().min(live.len());
    assert!(
        n / 2 > *onsets.last().expect("notes") + RATE as usize / 2,
        "the live output ends too early"
    );
    for &on in &onsets {
        let window = (on.saturating_sub(32) * 2)..((on + 256) * 2).min(n);
        assert_eq!(
            &live[window.clone()],
            &want[window],
            "around the onset at frame {on}"
        );
    }
    let worst = live[..n]
        .iter()
        .zip(&want[..n])
        .fold(0.0f32, |m, (a, b)| m.max((a - b).abs()));
    println!(
        "{} onsets, live output {shift} frames after the render's start, largest difference {worst:e}",
        onsets.len()
    );
    assert_eq!(worst, 0.0);
}

const LONG_NOTES: &str = "tempo 60\ntrack pad channel 3 program 89\n  play \"[c4,e4,g4]\"\ntrack kick drums\n  play \"bd*4\"\n";

#[test]
fn a_stop_mid_note_releases_every_note_and_lets_the_tail_ring() {
    let (sink, meters, card) = live_synth(10.0, Layout::Interleaved);
    let player = play(compile(LONG_NOTES).expect("compiles"), sink, None);
    std::thread::sleep(Duration::from_millis(1500));
    let stopped_at = meters
        .clock
        .read()
        .map(|(frame, _)| frame as usize)
        .expect("clock");
    player.stop();
    let waited = Instant::now();
    let ending = player.wait();
    let waited = waited.elapsed();
    let heard = card.stop();
    assert!(
        ending
            .outcomes
            .iter()
            .all(|o| *o == flam::engine::outcome::Outcome::Stopped),
        "{:?}",
        ending.outcomes
    );
    let s = &heard.samples;
    assert!(peak(&s[..stopped_at * 2]) > 0.05, "the pad sounded");
    // The release is heard: sound goes on for a while after the stop…
    let after = stopped_at + RATE as usize / 20;
    assert!(
        peak(&s[after * 2..(after + RATE as usize / 20) * 2]) > 1e-3,
        "the tail was cut"
    );
    // …and then everything has ended: nothing is left sounding.
    let tail = &s[s.len() - RATE as usize / 10..];
    assert!(peak(tail) < 1e-4, "still sounding: {}", peak(tail));
    // Only a guard against a hang: the tail is given up after 3 s, and a loaded machine may
    // take far longer than that to get there.
    assert!(
        waited < Duration::from_secs(30),
        "stopping took {waited:?} (the tail is at most 3 s)"
    );
    println!(
        "stopped at frame {stopped_at}; the tail rang for {:?} in all",
        waited
    );
}
