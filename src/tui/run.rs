//! The event loop of `flam live`: one loop over keys, compile results, engine telemetry and
//! frame ticks. Compiling happens on its own thread; drawing never waits for the engine.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, select, tick, unbounded};
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, EnableBracketedPaste, Event, KeyEventKind,
    KeyboardEnhancementFlags, PopKeyboardEnhancementFlags, PushKeyboardEnhancementFlags,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::supports_keyboard_enhancement;
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

use super::app::{App, SendMode};
use super::draw::draw;
use super::keymap;
use super::transport::Transport;
use crate::lang::diagnostic::Diagnostic;
use crate::lang::song::{self, Song};
use crate::session::recovery;

/// Frames per second of the redraw tick.
const FPS: u64 = 30;

type Compiled = (u64, Result<Song, Vec<Diagnostic>>);

/// Compiles texts sent to it, on its own thread, and sends back the results.
fn compiler() -> (Sender<(u64, String)>, Receiver<Compiled>) {
    let (text_tx, text_rx) = unbounded::<(u64, String)>();
    let (result_tx, result_rx) = unbounded();
    std::thread::Builder::new()
        .name("flam-compile".into())
        .spawn(move || {
            while let Ok((mut generation, mut text)) = text_rx.recv() {
                // Only the newest text matters when edits pile up.
                while let Ok((g, t)) = text_rx.try_recv() {
                    generation = g;
                    text = t;
                }
                if result_tx.send((generation, song::compile(&text))).is_err() {
                    break;
                }
            }
        })
        .ok();
    (text_tx, result_rx)
}

/// Reads terminal events on their own thread.
fn input() -> Receiver<Event> {
    let (tx, rx) = unbounded();
    std::thread::Builder::new()
        .name("flam-input".into())
        .spawn(move || {
            while let Ok(e) = event::read() {
                if tx.send(e).is_err() {
                    break;
                }
            }
        })
        .ok();
    rx
}

/// SIGINT, SIGTERM and SIGHUP, as a channel, so they end the session cleanly.
fn signals() -> std::io::Result<Receiver<i32>> {
    let (tx, rx) = unbounded();
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("flam-signals".into())
        .spawn(move || {
            for s in signals.forever() {
                if tx.send(s).is_err() {
                    break;
                }
            }
        })?;
    Ok(rx)
}

/// Measures this process's CPU time (every thread: UI, compiler, engine) once a second.
struct CpuMeter {
    at: Instant,
    ticks: Option<f64>,
}

impl CpuMeter {
    fn new() -> CpuMeter {
        CpuMeter {
            at: Instant::now(),
            ticks: None,
        }
    }

    /// User plus system time in seconds, from /proc (Linux); `None` elsewhere.
    fn cpu_seconds() -> Option<f64> {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        let fields: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
        let utime: f64 = fields.get(11)?.parse().ok()?;
        let stime: f64 = fields.get(12)?.parse().ok()?;
        // Linux reports in clock ticks of 1/100 s.
        Some((utime + stime) / 100.0)
    }

    /// The share of one core used since the last sample, at most once a second.
    fn sample(&mut self, now: Instant) -> Option<f32> {
        let elapsed = now.duration_since(self.at).as_secs_f64();
        if self.ticks.is_some() && elapsed < 1.0 {
            return None;
        }
        let seconds = Self::cpu_seconds()?;
        let share = self
            .ticks
            .map(|before| ((seconds - before) / elapsed) as f32);
        self.ticks = Some(seconds);
        self.at = now;
        share
    }
}

/// Runs `flam live` on `path` until the user quits or a signal arrives; returns the exit code.
pub fn run(
    path: &Path,
    text: &str,
    transport: Box<dyn Transport>,
    send_mode: SendMode,
) -> Result<u8, String> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(
            "flam live needs a terminal; use `flam play` to play a song headless".to_string(),
        );
    }
    let signal_rx = signals().map_err(|e| format!("cannot watch for signals: {e}"))?;
    let mut app = App::new(path.to_path_buf(), text, transport);
    app.send_mode = send_mode;
    // The panic hook writes unsaved text next to the song before the terminal is restored.
    let unsaved = Arc::new(Mutex::new(None::<String>));
    let hook_unsaved = Arc::clone(&unsaved);
    let hook_path = path.to_path_buf();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Ok(guard) = hook_unsaved.lock()
            && let Some(text) = guard.as_ref()
        {
            let _ = recovery::save(&hook_path, text);
        }
        previous(info);
    }));
    let mut terminal = ratatui::try_init().map_err(|e| format!("cannot open the terminal: {e}"))?;
    let _ = execute!(std::io::stdout(), EnableBracketedPaste);
    // Terminals that speak the kitty keyboard protocol tell Ctrl-Enter from Enter; elsewhere
    // Alt-Enter sends the edit.
    let enhanced = supports_keyboard_enhancement().unwrap_or(false)
        && execute!(
            std::io::stdout(),
            PushKeyboardEnhancementFlags(KeyboardEnhancementFlags::DISAMBIGUATE_ESCAPE_CODES)
        )
        .is_ok();
    let (compile_tx, compile_rx) = compiler();
    let keys = input();
    let frames = tick(Duration::from_millis(1000 / FPS));
    let mut last_frame = Instant::now();
    let mut cpu = CpuMeter::new();
    let mut code = 0u8;
    let mut draw_now = true;
    while !app.quit {
        if draw_now {
            let height = terminal
                .size()
                .map(|s| s.height.saturating_sub(12) as usize)
                .unwrap_or(10);
            app.editor.scroll_to_cursor(height);
            if let Err(e) = terminal.draw(|f| draw(f, &app)) {
                app.status = format!("cannot draw: {e}");
            }
            draw_now = false;
        }
        // Wakes exactly when the typing pause ends: every millisecond lost here is one the
        // edit may miss the next bar line by.
        let compile_timer = match app.compile_deadline() {
            Some(at) => crossbeam_channel::at(at),
            None => crossbeam_channel::never(),
        };
        select! {
            recv(compile_timer) -> _ => {
                if let Some((generation, text)) = app.compile_due(Instant::now()) {
                    app.compile_started(generation);
                    let _ = compile_tx.send((generation, text));
                }
            },
            recv(keys) -> e => match e {
                Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => {
                    if let Some(action) = keymap::action(k, app.focus) {
                        app.handle(action);
                    }
                    draw_now = true;
                }
                Ok(Event::Paste(text)) => {
                    app.paste(&text);
                    draw_now = true;
                }
                Ok(Event::Resize(..)) => draw_now = true,
                Ok(_) => {}
                Err(_) => app.quit = true,
            },
            recv(compile_rx) -> r => {
                if let Ok((generation, result)) = r {
                    app.compiled(generation, result);
                    draw_now = true;
                }
            },
            recv(signal_rx) -> s => {
                code = match s { Ok(SIGINT) => 130, Ok(SIGHUP) => 129, _ => 143 };
                if app.dirty() {
                    let _ = recovery::save(&app.path, &app.editor.text());
                }
                app.quit = true;
            },
            recv(frames) -> _ => {
                let now = Instant::now();
                app.poll_transport();
                app.decay_meters(now.duration_since(last_frame));
                if let Some(share) = cpu.sample(now) {
                    app.cpu = share;
                }
                last_frame = now;
                if let Some((generation, text)) = app.compile_due(now) {
                    app.compile_started(generation);
                    let _ = compile_tx.send((generation, text));
                }
                draw_now = true;
            },
        }
        if let Ok(mut guard) = unsaved.lock() {
            *guard = app.dirty().then(|| app.editor.text());
        }
    }
    app.shutdown();
    if enhanced {
        let _ = execute!(std::io::stdout(), PopKeyboardEnhancementFlags);
    }
    let _ = execute!(std::io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    Ok(code)
}
