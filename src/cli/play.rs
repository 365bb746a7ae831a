//! `flam play`: plays a song live to MIDI outputs until Ctrl-C or for a number of bars.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Duration;

use super::failure::Failure;
use super::source;
use crate::engine::outcome::Outcome;
use crate::engine::sink::Sink;
use crate::output::{self, target::Target};
use crate::session::play_options::PlayOptions;
use crate::session::player::{self, Player};
use crate::session::watcher;

/// What `flam play` was asked to do.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlayArgs {
    /// The song file.
    pub file: PathBuf,
    /// `--out` values, in order.
    pub out: Vec<String>,
    /// `--virtual NAME`.
    pub virtual_name: Option<String>,
    /// `--watch`.
    pub watch: bool,
    /// `--clock`.
    pub clock: bool,
    /// `--latency MS` values: one for all outputs, or one per output.
    pub latency_ms: Vec<f64>,
    /// `--bars N`.
    pub bars: Option<u32>,
    /// `--from BAR`.
    pub from: u32,
}

/// How often the status line is redrawn.
const STATUS_TICK: Duration = Duration::from_millis(100);

/// Every how many status ticks the outputs are checked for having gone away.
const MONITOR_EVERY: u32 = 10;

/// Plays the song until it ends, Ctrl-C or SIGTERM; every sounding note is released on the way
/// out, whatever ends it.
pub fn run(args: &PlayArgs) -> Result<ExitCode, Failure> {
    let song = source::compile(&args.file)?;
    let targets = targets(args)?;
    let latencies = latencies(args, targets.len())?;
    let mut outputs: Vec<(Box<dyn Sink>, f64)> = Vec::new();
    let mut late = Vec::new();
    let mut monitors = Vec::new();
    for (target, latency) in targets.iter().zip(&latencies) {
        let opened = output::open(target, args.virtual_name.as_deref()).map_err(Failure::io)?;
        eprintln!(
            "flam: playing {} to {}",
            args.file.display(),
            opened.description
        );
        outputs.push((opened.sink, latency / 1000.0));
        late.extend(opened.late);
        monitors.extend(opened.monitor);
    }
    let options = PlayOptions {
        from_bar: i64::from(args.from),
        bars: args.bars.map(i64::from),
        clock: args.clock,
        ..PlayOptions::default()
    };
    let player = Player::start(song, outputs, &options);
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // The first signal stops gracefully (every note released); a second one, should that
        // ever hang, ends flam at once. The shutdown must be registered first.
        let registered =
            signal_hook::flag::register_conditional_shutdown(signal, 1, player.stop_flag())
                .and_then(|_| signal_hook::flag::register(signal, player.stop_flag()));
        if let Err(e) = registered {
            return Err(Failure::io(format!(
                "error: cannot handle signal {signal}: {e}"
            )));
        }
    }
    let _watch = if args.watch {
        match start_watch(&args.file, &player) {
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

    let status = std::io::stderr().is_terminal();
    let stop = player.stop_flag();
    let mut ticks = 0u32;
    while !player.is_finished() {
        std::thread::sleep(STATUS_TICK);
        ticks = ticks.wrapping_add(1);
        if ticks.is_multiple_of(MONITOR_EVERY) {
            for monitor in &mut monitors {
                monitor();
            }
        }
        if status {
            let (bar, beat) = player.position().bar_beat(player.now());
            let (notes, sounding) = player.counts();
            let bpm = player.position().bpm;
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r\x1b[2K▶ {bar}:{beat}  {bpm:.0} BPM  {notes} notes sent, {sounding} sounding"
            );
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
                "error: playing stopped: {e}\n  = note: every sounding note was released\n  = help: check the output with `flam ports` and start again"
            )));
        }
    }
    let late: u64 = late.iter().map(|l| l.load(Ordering::Relaxed)).sum();
    if late > 0 {
        eprintln!(
            "flam: {late} messages reached JACK after their frame and went out at the start of the next cycle"
        );
    }
    if signalled {
        eprintln!("flam: stopped; every note released");
    }
    Ok(ExitCode::SUCCESS)
}

fn targets(args: &PlayArgs) -> Result<Vec<Target>, Failure> {
    if args.out.is_empty() {
        return Ok(vec![Target::Default]);
    }
    let mut targets: Vec<Target> = args
        .out
        .iter()
        .map(|o| Target::parse(o).map_err(Failure::input))
        .collect::<Result<_, _>>()?;
    // `--virtual NAME` names flam's own port; when every --out is someone else's ALSA port,
    // it adds a virtual ALSA port beside them.
    let names_a_port = targets
        .iter()
        .any(|t| matches!(t, Target::Default | Target::Alsa(None) | Target::Jack(_)));
    if args.virtual_name.is_some() && !names_a_port {
        targets.push(Target::Alsa(None));
    }
    Ok(targets)
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

fn start_watch(path: &Path, player: &Player) -> Result<notify::RecommendedWatcher, String> {
    let swapper = player.swapper();
    let file = path.to_path_buf();
    watcher::watch(path, move || match source::compile(&file) {
        Ok(song) => {
            let _ = swapper.send(song);
        }
        Err(failure) => {
            eprintln!(
                "{}{}",
                player::clear_status_line(),
                failure.message.trim_end()
            );
            eprintln!(
                "flam: {} did not compile; the version playing now goes on",
                file.display()
            );
        }
    })
}
