//! `flam play`: plays a song live through the built-in synth or to MIDI outputs until
//! Ctrl-C or for a number of bars.

use std::io::{IsTerminal, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::failure::Failure;
use super::font_preload::FontPreload;
use super::interrupt;
use super::section;
use super::source;
use super::sync::{self, Sync};
use crate::engine::clock_source::ClockSource;
use crate::engine::internal_clock::InternalClock;
use crate::engine::midi_clock::MidiClock;
use crate::engine::outcome::Outcome;
use crate::engine::sink::Sink;
use crate::lang::song::Song;
use crate::lang::song::warning::DIN_BYTES_PER_SECOND;
use crate::output::audio_host::AudioHost;
use crate::output::input_target::InputTarget;
use crate::output::synth_meters::SynthMeters;
use crate::output::target::Target;
use crate::session::following::Following;
use crate::session::osc::{Desk, OscListener, Score, Songs};
use crate::session::play_options::PlayOptions;
use crate::session::player::{self, Listening, Player};
use crate::session::realtime;
use crate::session::rig::{self, RigOptions};
use crate::session::watcher;

/// What `flam play` was asked to do.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlayArgs {
    /// The song file.
    pub file: PathBuf,
    /// `--out` values, in order.
    pub out: Vec<String>,
    /// `--audio SYSTEM`.
    pub audio: Option<String>,
    /// `--buffer FRAMES`.
    pub buffer: Option<u32>,
    /// `--soundfont PATH`.
    pub soundfont: Option<String>,
    /// `--verbose`.
    pub verbose: bool,
    /// `--virtual NAME`.
    pub virtual_name: Option<String>,
    /// `--watch`.
    pub watch: bool,
    /// `--clock` (`Some("")`: every output) or `--clock=NAMES`.
    pub clock: Option<String>,
    /// `--in INPUT`.
    pub input: Option<String>,
    /// `--sync CLOCK`.
    pub sync: Option<String>,
    /// `--jack-timebase`: be JACK's timebase master (and follow its transport).
    pub jack_timebase: bool,
    /// `--latency MS` values: one for all outputs, or one per output.
    pub latency_ms: Vec<f64>,
    /// `--din`.
    pub din: bool,
    /// `--bars N`.
    pub bars: Option<u32>,
    /// `--section NAME`.
    pub section: Option<String>,
    /// `--from BAR`.
    pub from: u32,
    /// `--osc PORT`.
    pub osc: Option<u16>,
    /// `--osc-bind ADDR`.
    pub osc_bind: Option<IpAddr>,
}

/// How often the status line is redrawn.
const STATUS_TICK: Duration = Duration::from_millis(100);

/// JACK transport as the clock (with flam its timebase master when `master`), or why it
/// cannot be followed.
fn jack_transport(song: &Song, master: bool) -> Result<Box<dyn ClockSource>, Failure> {
    #[cfg(feature = "jack")]
    {
        use crate::output::jack::transport::JackTransport;
        let (bpm, meter) = (song.tempo.bpm, song.tempo.meter);
        let opened = if master {
            JackTransport::master(bpm, meter.beats, meter.unit)
        } else {
            JackTransport::open(bpm)
        };
        opened
            .map(|t| Box::new(t) as Box<dyn ClockSource>)
            .map_err(|e| {
                Failure::input(format!(
                    "error: --sync jack: {e}\n  = help: start a JACK server first (for example `jackd -d alsa`), or leave out --sync"
                ))
            })
    }
    #[cfg(not(feature = "jack"))]
    {
        let _ = (song, master);
        Err(Failure::input(
            "error: --sync jack needs a flam built with JACK\n  = help: build with the `jack` feature (the default)",
        ))
    }
}

/// The clock to keep with `--jack-timebase`, which follows JACK transport: `jack` when no
/// clock was asked for (`asked` false), refused next to another.
fn timebase_sync(sync: Sync, asked: bool, timebase: bool) -> Result<Sync, Failure> {
    if !timebase {
        return Ok(sync);
    }
    match sync {
        Sync::Jack => Ok(Sync::Jack),
        Sync::Internal if !asked => Ok(Sync::Jack),
        other => Err(Failure::input(format!(
            "error: --jack-timebase follows JACK transport, not {}\n  = help: leave out --sync, or write --sync jack",
            match other {
                Sync::Midi => "a MIDI clock",
                Sync::Link => "an Ableton Link session",
                _ => "flam's own clock",
            }
        ))),
    }
}

/// The Ableton Link session on the network as the clock, joined from bar `from` (from 1).
fn link_session(song: &Song, from: u32) -> Result<Box<dyn ClockSource>, Failure> {
    #[cfg(feature = "link")]
    {
        use crate::session::link_clock::{self, LinkClock};
        let link = link_clock::join(song.tempo.bpm);
        let bar = f64::from(from.max(1) - 1);
        Ok(Box::new(LinkClock::new(
            link,
            song.tempo.meter.quarters_per_bar(),
            bar,
        )))
    }
    #[cfg(not(feature = "link"))]
    {
        let _ = (song, from);
        // `sync::decide` refuses it first; this is the same answer.
        Err(sync::no_link("--sync"))
    }
}

/// The planner's lookahead while following a master clock, in seconds.
const FOLLOWING_LOOKAHEAD: f64 = 0.12;

/// Every how many status ticks the outputs are checked for having gone away.
const MONITOR_EVERY: u32 = 10;

/// Plays the song until it ends, Ctrl-C or SIGTERM; every sounding note is released on the way
/// out, whatever ends it.
pub fn run(args: &PlayArgs) -> Result<ExitCode, Failure> {
    let started = Instant::now();
    // Under load, opening the outputs (mostly turns taken with the audio server) stretched
    // from 25 to 45 ms; at this priority it takes as long as on an idle machine.
    let mut starting = realtime::StartingPriority::raise();
    let (mut routes, mut targets) = targets(args)?;
    // Output names come from --out, or (without one) from the song: checked once known.
    let mut clocks = if args.out.is_empty() {
        Vec::new()
    } else {
        clocks(args.clock.as_deref(), &routes)?
    };
    let mut latencies = latencies(args, targets.len())?;
    superdirt_latencies(args, &mut targets, &mut latencies);
    let input = match args.input.as_deref() {
        Some(text) => Some(InputTarget::parse(text).map_err(Failure::input)?),
        None => None,
    };
    let flag_sync = sync::parse(args.sync.as_deref())?;
    if flag_sync.is_some() {
        // Said before anything else happens; the song's own `sync` line is checked once read.
        sync::decide(flag_sync, None, input.is_some())?;
    }
    let host = match args.audio.as_deref() {
        Some(text) => Some(AudioHost::parse(text).map_err(Failure::input)?),
        None => None,
    };
    let rig = RigOptions {
        buffer: args.buffer,
        virtual_name: args.virtual_name.clone(),
        verbose: args.verbose,
        ..RigOptions::for_play(host)
    };

    // Two threads: the song compiles while the SoundFont loads; meanwhile this one finds the
    // audio device. Reloads and swaps later reuse the loaded SoundFont.
    // With `--virtual NAME` and no `--out` the user asked for a port of flam's own: MIDI.
    let synth_wanted = targets.iter().any(|t| rig.wants_synth(t));
    let mut font = synth_wanted.then(|| FontPreload::start(args.soundfont.clone()));
    let file = args.file.clone();
    let compiling = std::thread::Builder::new()
        .name("flam-compile".into())
        .spawn(move || {
            let started = Instant::now();
            (source::compile(&file), started.elapsed())
        })
        .map_err(|e| Failure::io(format!("error: cannot start compiling: {e}")))?;
    let probing = Instant::now();
    let mut prepared = rig::prepare(&targets, &rig);
    let probed_in = probing.elapsed();
    let (song, compiled_in) = compiling.join().map_err(|_| {
        Failure::io(
            "error: compiling stopped on an internal error\n  = help: this is a bug in flam; please report it with the song file",
        )
    })?;
    let song: Song = match song {
        Ok(song) => song,
        Err(failure) if args.watch => {
            // Waiting for a save may take minutes: nothing is starting yet.
            starting.lower();
            wait_for_a_good_version(&args.file, failure)?
        }
        Err(failure) => return Err(failure),
    };
    source::warn(&args.file, &song);
    let sync = timebase_sync(
        sync::decide(flag_sync, song.sync, input.is_some())?,
        flag_sync.is_some() || song.sync.is_some(),
        args.jack_timebase,
    )?;
    let (song, _) = section::place(&args.file, song, args.section.as_deref())?;
    // The song says where its named outputs go, and the command line named none: those.
    if args.out.is_empty() && !song.outputs.is_empty() {
        (routes, targets) = song_targets(&args.file, &song)?;
        latencies = self::latencies(args, targets.len())?;
        superdirt_latencies(args, &mut targets, &mut latencies);
        prepared = rig::prepare(&targets, &rig);
        if font.is_none() && targets.iter().any(|t| rig.wants_synth(t)) {
            font = Some(FontPreload::start(args.soundfont.clone()));
        }
    }
    if args.out.is_empty() {
        clocks = self::clocks(args.clock.as_deref(), &routes)?;
    }
    check_routes(&args.file, &song, &routes)?;
    // Bound before any note plays, so a port in use is said at once and nothing starts.
    let osc_socket = match args.osc {
        Some(port) => {
            let bind = args.osc_bind.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
            Some(OscListener::bind(SocketAddr::new(bind, port)).map_err(Failure::io)?)
        }
        None => None,
    };
    let osc_song = osc_socket.is_some().then(|| song.clone());
    // An arranged song ends with its arrangement.
    let bars = match (args.bars, song.length_bars()) {
        (Some(n), _) => Some(i64::from(n)),
        (None, Some(length)) if i64::from(args.from) > length => {
            return Err(Failure::input(format!(
                "error: --from {} is past the end of {}: its arrangement is {length} bars\n  = help: start at a bar from 1 to {length}, or give --bars to play on past the end",
                args.from,
                args.file.display()
            )));
        }
        // The arrangement's end stops the planner, and moves with a jump.
        (None, _) => None,
    };

    let mut outputs: Vec<(Box<dyn Sink>, f64)> = Vec::new();
    let mut delivery = Vec::new();
    let mut monitors = Vec::new();
    let mut synths: Vec<Arc<SynthMeters>> = Vec::new();
    let opening = Instant::now();
    let mut load_font = || match font.as_mut() {
        Some(f) => f.get(),
        None => Err(Failure::io("error: no SoundFont was loaded for the synth")),
    };
    for (prepared, latency) in prepared.into_iter().zip(&latencies) {
        let mut notes = Vec::new();
        let opened = prepared.open(&rig, &mut load_font, &mut notes)?;
        for note in notes {
            eprintln!("flam: {note}");
        }
        eprintln!(
            "flam: playing {} to {}",
            args.file.display(),
            opened.description
        );
        outputs.push((opened.sink, latency / 1000.0));
        delivery.extend(opened.delivery);
        monitors.extend(opened.monitor);
        synths.extend(opened.synth);
    }
    // After the output has started, so the check never delays the first note; only when the
    // synth plays (the SoundFont has been loaded), since MIDI gear has its own sounds.
    if let Some(preload) = font.as_mut()
        && let Some((source, _)) = preload.loaded()
    {
        let source = source.clone();
        if let Ok(loaded) = preload.get() {
            source::warn_font(&args.file, &song, &source, &loaded);
        }
    }
    if args.verbose {
        let mut line = format!(
            "flam: compiled {} in {:.1} ms",
            args.file.display(),
            compiled_in.as_secs_f64() * 1000.0
        );
        if let Some((source, took)) = font.as_ref().and_then(|f| f.loaded()) {
            line.push_str(&format!(
                "; loaded {} in {:.1} ms, at the same time",
                source.describe(),
                took.as_secs_f64() * 1000.0
            ));
        }
        if synth_wanted {
            line.push_str(&format!(
                "; found the audio device in {:.1} ms",
                probed_in.as_secs_f64() * 1000.0
            ));
        }
        line.push_str(&format!(
            "; opened the outputs in {:.1} ms; ready {:.1} ms after start",
            opening.elapsed().as_secs_f64() * 1000.0,
            started.elapsed().as_secs_f64() * 1000.0
        ));
        eprintln!("{line}");
    }
    // The input opens last, just before playing, so nothing it hears waits in its ring.
    let mut listening = match &input {
        Some(target) => {
            let opened = rig::open_input(target)?;
            eprintln!("flam: listening to {}", opened.description);
            Some(opened)
        }
        None => None,
    };
    let heard = listening.as_mut().and_then(|l| l.messages.take());
    let clock: Box<dyn ClockSource> = match sync {
        Sync::Midi => Box::new(MidiClock::new()),
        Sync::Internal => Box::new(InternalClock),
        Sync::Jack => jack_transport(&song, args.jack_timebase)?,
        Sync::Link => link_session(&song, args.from)?,
    };
    let options = PlayOptions {
        // Bars count from 1 on the command line and the status line, from 0 inside.
        from_bar: i64::from(args.from) - 1,
        bars,
        clock: args.clock.is_some(),
        clocks,
        // A master's Stop ends the notes at the lookahead's edge: keep it short when following
        // one (the JACK and synth sinks take messages 80 ms early, so 120 ms still keeps every
        // message on time).
        lookahead: match sync {
            Sync::Midi | Sync::Jack | Sync::Link => FOLLOWING_LOOKAHEAD,
            Sync::Internal => PlayOptions::default().lookahead,
        },
        routes,
        wires: targets
            .iter()
            .map(|t| {
                (args.din && matches!(t, Target::Alsa(_) | Target::Jack(_)))
                    .then_some(DIN_BYTES_PER_SECOND)
            })
            .collect(),
        ..PlayOptions::default()
    };
    let ears = Listening {
        input: heard,
        forward: None,
    };
    let player = Player::start_listening(song, outputs, &options, clock, ears);
    if args.verbose && sync == Sync::Internal {
        // Play time 0 lies ahead by what the outputs need to have the first notes in time;
        // a master's clock says itself when the music starts.
        let preroll = -player.now();
        eprintln!(
            "flam: the music starts {:.1} ms after start, after a pre-roll of {:.1} ms",
            (started.elapsed().as_secs_f64() + preroll) * 1000.0,
            preroll * 1000.0
        );
    }
    // Started: the status line, the file watcher and the rest are ordinary work.
    starting.lower();
    // The first signal stops gracefully (every note released).
    interrupt::raise_on_interrupt(&player.stop_flag(), 1)?;
    let _watch = if args.watch {
        match start_watch(&args.file, &player, args.section.clone()) {
            Ok(w) => Some(w),
            Err(e) => {
                player.stop();
                let _ = player.wait();
                return Err(Failure::io(e));
            }
        }
    } else {
        None
    };

    let osc = match (osc_socket, osc_song) {
        (Some(socket), Some(song)) => {
            let following = sync != Sync::Internal;
            match start_osc(args, socket, song, &player, following) {
                Ok(listener) => {
                    eprintln!("flam: listening for OSC on {}", listener.address());
                    Some(listener)
                }
                Err(e) => {
                    player.stop();
                    let _ = player.wait();
                    return Err(e);
                }
            }
        }
        _ => None,
    };

    let status = std::io::stderr().is_terminal();
    let stop = player.stop_flag();
    let mut ticks = 0u32;
    let mut first_sound_told = !args.verbose;
    let mut input_gone_told = false;
    let mut lost_told = false;
    while !player.is_finished() {
        std::thread::sleep(STATUS_TICK);
        ticks = ticks.wrapping_add(1);
        if ticks.is_multiple_of(MONITOR_EVERY) {
            for monitor in &mut monitors {
                monitor();
            }
        }
        if let Some(opened) = &listening
            && !input_gone_told
            && opened.gone.load(Ordering::Acquire)
        {
            input_gone_told = true;
            eprintln!(
                "{}flam: the input {} went away; playing goes on",
                player::clear_status_line(),
                opened.description
            );
        }
        let clock = player.position().clock;
        if clock == Following::Lost && !lost_told {
            lost_told = true;
            eprintln!(
                "{}flam: the clock stopped coming; every note ended, and playing goes on when it starts again",
                player::clear_status_line()
            );
        } else if matches!(clock, Following::Running { .. } | Following::Linked { .. }) {
            lost_told = false;
        }
        if !first_sound_told {
            let heard = synths.iter().filter_map(|m| m.first_note_heard()).min();
            if let Some(heard) = heard.filter(|h| *h <= Instant::now()) {
                first_sound_told = true;
                eprintln!(
                    "{}flam: the first note sounded {:.0} ms after start",
                    player::clear_status_line(),
                    heard.saturating_duration_since(started).as_secs_f64() * 1000.0
                );
            }
        }
        if status {
            let position = player.position();
            let (bar, beat) = position.bar_beat(player.now());
            let (notes, sounding) = player.counts();
            let mut line = match position.clock {
                Following::Internal => format!("▶ {bar}:{beat}  {:.0} BPM", position.bpm),
                Following::Running { .. } | Following::Linked { .. } => {
                    format!("▶ {bar}:{beat}  {}", position.clock)
                }
                _ => format!("■ {bar}:{beat}  {}", position.clock),
            };
            line.push_str(&format!("  {notes} notes sent, {sounding} sounding"));
            if !synths.is_empty() {
                let underruns: u64 = synths.iter().map(|m| m.underruns()).sum();
                let load = synths.iter().map(|m| m.take_load()).fold(0.0f32, f32::max);
                line.push_str(&format!(
                    "  {underruns} underruns  DSP {:.0}%",
                    load * 100.0
                ));
            }
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K{line}");
            let _ = err.flush();
        }
    }
    let signalled = stop.load(Ordering::Acquire);
    let ending = player.wait();
    if status {
        eprintln!();
    }
    if let Some(why) = ending.planner_panic {
        return Err(Failure::io(format!(
            "error: flam stopped on an internal error: {why}\n  = note: every sounding note was released (note-offs and All Notes Off)\n  = help: this is a bug in flam; please report it with the song file"
        )));
    }
    for outcome in &ending.outcomes {
        if let Outcome::Failed(e) = outcome {
            return Err(Failure::io(format!(
                "error: playing stopped: {e}\n  = note: every sounding note was released\n  = help: check the output with `flam ports` (or the sound card with `aplay -l`) and start again"
            )));
        }
    }
    for line in delivery.iter().filter_map(|d| d.report("JACK")) {
        eprintln!("{line}");
    }
    for meters in &synths {
        report_synth(meters, args.verbose);
    }
    if let Some(line) = listening.as_ref().and_then(|l| l.counts.report("input")) {
        eprintln!("{line}");
    }
    if let Some(line) = osc.as_ref().and_then(|o| o.counts().report()) {
        eprintln!("{line}");
    }
    if signalled {
        eprintln!("flam: stopped; every note released");
    }
    Ok(ExitCode::SUCCESS)
}

/// What the synth measured, said at the end when it matters (or always with `--verbose`).
fn report_synth(meters: &SynthMeters, verbose: bool) {
    let xruns = meters.xruns.load(Ordering::Relaxed);
    let overruns = meters.overruns.load(Ordering::Relaxed);
    let late = meters.late_notes.load(Ordering::Relaxed);
    if xruns + overruns + late > 0 || verbose {
        eprintln!(
            "flam: synth: {} underruns ({xruns} reported by the audio system, {overruns} callbacks over their time), {late} notes started late, {} clock corrections",
            xruns + overruns,
            meters.resyncs.load(Ordering::Relaxed)
        );
    }
    if xruns + overruns > 0 {
        eprintln!(
            "  = help: a larger --buffer (e.g. --buffer 1024) or real-time priority for flam (the `audio` group) prevents underruns"
        );
    }
}

/// The outputs asked for, each with its name (`--out drums=jack:TR-8`) or none.
fn targets(args: &PlayArgs) -> Result<(Vec<Option<String>>, Vec<Target>), Failure> {
    if args.out.is_empty() {
        return Ok((vec![None], vec![Target::Default]));
    }
    let mut routes = Vec::new();
    let mut targets = Vec::new();
    for out in &args.out {
        let (name, target) = Target::parse_named(out).map_err(Failure::input)?;
        routes.push(name);
        targets.push(target);
    }
    // `--virtual NAME` names flam's own port; when every --out is someone else's ALSA port,
    // it adds a virtual ALSA port beside them.
    let names_a_port = targets
        .iter()
        .any(|t| matches!(t, Target::Default | Target::Alsa(None) | Target::Jack(_)));
    if args.virtual_name.is_some() && !names_a_port {
        routes.push(None);
        targets.push(Target::Alsa(None));
    }
    Ok((routes, targets))
}

/// The outputs the song's `output NAME PORT` lines name, each port read as `--out` reads it.
fn song_targets(file: &Path, song: &Song) -> Result<(Vec<Option<String>>, Vec<Target>), Failure> {
    let mut routes = Vec::new();
    let mut targets = Vec::new();
    for (name, port, line) in &song.outputs {
        let target = Target::parse(port).map_err(|e| {
            Failure::input(format!(
                "error: {}:{line}: output {name} {port}: {}",
                file.display(),
                e.trim_start_matches("error: ")
            ))
        })?;
        routes.push(Some(name.clone()));
        targets.push(target);
    }
    Ok((routes, targets))
}

/// Which outputs get MIDI clock: all for `--clock`, the named ones for `--clock=drums,bass`
/// (each must name an `--out`), none without it.
fn clocks(clock: Option<&str>, routes: &[Option<String>]) -> Result<Vec<bool>, Failure> {
    let Some(names) = clock.filter(|n| !n.trim().is_empty()) else {
        return Ok(vec![clock.is_some(); routes.len()]);
    };
    let names: Vec<&str> = names.split(',').map(str::trim).collect();
    for name in &names {
        if !routes.iter().flatten().any(|r| r == name) {
            return Err(Failure::input(format!(
                "error: --clock={name}: no --out is named `{name}`\n  = help: name the output that takes the clock, e.g. `--out {name}=jack:TR-8 --clock={name}`"
            )));
        }
    }
    Ok(routes
        .iter()
        .map(|r| r.as_deref().is_some_and(|r| names.contains(&r)))
        .collect())
}

/// Refuses a song whose tracks would reach no output: a track with `output NAME` needs an
/// `--out NAME=…` or an output without a name; a track without needs an output without a name.
fn check_routes(file: &Path, song: &Song, routes: &[Option<String>]) -> Result<(), Failure> {
    let unnamed = routes.iter().any(Option::is_none);
    let named: Vec<&str> = routes.iter().flatten().map(String::as_str).collect();
    let mut problems = Vec::new();
    for track in &song.tracks {
        match &track.output {
            Some(name) if !unnamed && !named.contains(&name.as_str()) => problems.push(format!(
                "track `{}` goes to output `{name}`, which no --out names\n  = help: add `--out {name}=PORT`, or an --out without a name for every track",
                track.name
            )),
            None if !unnamed => problems.push(format!(
                "track `{}` has no `output` line, and every --out has a name\n  = help: give it `output NAME` in the song, or add an --out without a name",
                track.name
            )),
            _ => {}
        }
    }
    if problems.is_empty() {
        for name in &named {
            if !song
                .tracks
                .iter()
                .any(|t| t.output.as_deref() == Some(*name))
            {
                eprintln!(
                    "flam: warning: no track of {} goes to output `{name}` (tracks choose theirs with `output {name}`)",
                    file.display()
                );
            }
        }
        return Ok(());
    }
    Err(Failure::input(
        problems
            .iter()
            .map(|p| format!("error: {}: {p}", file.display()))
            .collect::<Vec<_>>()
            .join("\n"),
    ))
}

/// SuperDirt takes its latency in each bundle's timetag (Tidal's way, 200 ms unless
/// `--latency` says otherwise) rather than from the sender sending early.
fn superdirt_latencies(args: &PlayArgs, targets: &mut [Target], latencies: &mut [f64]) {
    for (target, latency) in targets.iter_mut().zip(latencies.iter_mut()) {
        if let Target::SuperDirt(dirt) = target {
            if !args.latency_ms.is_empty() {
                *dirt = dirt.clone().with_latency(*latency / 1000.0);
            }
            *latency = 0.0;
        }
    }
}

fn latencies(args: &PlayArgs, outputs: usize) -> Result<Vec<f64>, Failure> {
    for &ms in &args.latency_ms {
        if !(0.0..=1000.0).contains(&ms) {
            return Err(Failure::input(format!(
                "error: --latency must be 0–1000 ms, got {ms}"
            )));
        }
    }
    match args.latency_ms.as_slice() {
        [] => Ok(vec![0.0; outputs]),
        [one] => Ok(vec![*one; outputs]),
        many if many.len() == outputs => Ok(many.to_vec()),
        many => Err(Failure::input(format!(
            "error: {} --latency values for {outputs} outputs\n  = help: give one --latency for all outputs, or one per --out in the same order",
            many.len()
        ))),
    }
}

/// Starts the OSC listener on `socket` for the song playing: its changes compile and read
/// files as `flam check` does, so their errors read the same.
fn start_osc(
    args: &PlayArgs,
    socket: std::net::UdpSocket,
    song: Song,
    player: &Player,
    following: bool,
) -> Result<OscListener, Failure> {
    let text = source::read(&args.file)?;
    let file = args.file.clone();
    let section = args.section.clone();
    let songs = Songs {
        compile: Box::new(move |path: &Path, text: &str| {
            let song = source::compile_text(path, text).map_err(|f| f.message)?;
            // The section played goes on being played in new versions of the same song.
            if path == file {
                section::place(path, song, section.as_deref())
                    .map(|(song, _)| song)
                    .map_err(|f| f.message)
            } else {
                Ok(song)
            }
        }),
        read: Box::new(|path: &Path| source::read(path).map_err(|f| f.message)),
    };
    let score = Score {
        path: args.file.clone(),
        text,
        song,
    };
    let desk = Desk::new(player.remote(), songs, score, following);
    OscListener::start(socket, desk).map_err(Failure::io)
}

fn start_watch(
    path: &Path,
    player: &Player,
    section: Option<String>,
) -> Result<notify::RecommendedWatcher, String> {
    let swapper = player.swapper();
    let file = path.to_path_buf();
    watcher::watch(path, move || {
        // A song saved without the section being played keeps the last good one playing.
        let placed = reloaded(&file, PLAYING_GOES_ON).and_then(|song| {
            section::place(&file, song, section.as_deref())
                .map(|(song, _)| song)
                .map_err(|f| kept(&file, &f.message, "lost its section", PLAYING_GOES_ON))
        });
        match placed {
            Ok(song) => {
                let _ = swapper.send(song);
            }
            Err(why) => eprintln!("{}{why}", player::clear_status_line()),
        }
    })
}

/// What goes on while a watched file does not compile.
const PLAYING_GOES_ON: &str = "the version playing now goes on";
const STILL_WAITING: &str = "still waiting for a version that compiles";

/// With `--watch`, a song that does not compile at the start is waited for, as it would be
/// mid-set: its errors are shown, and it plays as soon as a save compiles. Ctrl-C quits.
fn wait_for_a_good_version(file: &Path, first: Failure) -> Result<Song, Failure> {
    eprintln!("{}", first.message.trim_end());
    eprintln!(
        "flam: waiting for {} to compile; it plays from the first save that does (Ctrl-C quits)",
        file.display()
    );
    let interrupted = Arc::new(AtomicBool::new(false));
    interrupt::raise_on_interrupt(&interrupted, 1)?;
    let (tx, rx) = crossbeam_channel::unbounded();
    let _watch = watcher::watch(file, move || {
        let _ = tx.send(());
    })
    .map_err(Failure::io)?;
    loop {
        if interrupted.load(Ordering::Acquire) {
            return Err(Failure::input(format!(
                "flam: stopped; {} never compiled",
                file.display()
            )));
        }
        match rx.recv_timeout(STATUS_TICK) {
            Ok(()) => match reloaded(file, STILL_WAITING) {
                Ok(song) => {
                    eprintln!("flam: {} compiles now; playing", file.display());
                    return Ok(song);
                }
                Err(why) => eprintln!("{why}"),
            },
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => {
                return Err(Failure::io(format!(
                    "error: stopped watching `{}`",
                    file.display()
                )));
            }
        }
    }
}

/// The watched file's new version, or what to print when it cannot be played; `then` says
/// what happens meanwhile.
fn reloaded(file: &Path, then: &str) -> Result<Song, String> {
    let text = source::read(file).map_err(|f| kept(file, &f.message, "could not be read", then))?;
    // An empty file is an editor halfway through a save (or an accident), not a request for
    // silence: a file of comments plays silence on purpose.
    if source::without_bom(&text).trim().is_empty() {
        return Err(format!(
            "flam: {} is empty; {then}\n  = help: save the song again to play it, or write just a comment to play silence",
            file.display()
        ));
    }
    source::compile_text(file, &text).map_err(|f| kept(file, &f.message, "did not compile", then))
}

fn kept(file: &Path, errors: &str, what: &str, then: &str) -> String {
    format!(
        "{}\nflam: {} {what}; {then}",
        errors.trim_end(),
        file.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reload_of(name: &str, text: &str) -> Result<Song, String> {
        let dir = std::env::temp_dir().join(format!("flam-reload-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("live.flam");
        std::fs::write(&file, text).unwrap();
        let out = reloaded(&file, PLAYING_GOES_ON);
        std::fs::remove_dir_all(&dir).unwrap();
        out
    }

    #[test]
    fn a_save_caught_empty_keeps_the_groove_playing() {
        for text in ["", "  \n\t\n"] {
            let why = reload_of("empty", text).unwrap_err();
            assert!(
                why.contains("is empty; the version playing now goes on"),
                "{why}"
            );
        }
    }

    #[test]
    fn a_file_of_comments_is_silence_on_purpose() {
        let song = reload_of("comments", "# all quiet for a bar\n").unwrap();
        assert!(song.tracks.is_empty());
    }

    #[test]
    fn a_broken_save_prints_its_errors_and_keeps_the_groove() {
        let why = reload_of("broken", "track a\n  play \"bd [sn\"\n").unwrap_err();
        assert!(why.contains("error"), "{why}");
        assert!(
            why.ends_with("did not compile; the version playing now goes on"),
            "{why}"
        );
    }
}
