//! `flam render`: a song to a WAV file through the built-in synthesizer.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::failure::Failure;
use super::{interrupt, length, section, soundfonts, source};
use crate::output::destination::Destination;
use crate::output::render::{self, RenderError, RenderOptions};
use crate::output::wav::{self, WavFormat, WriteError};

/// What `flam render` was asked to do.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The song file.
    pub file: &'a Path,
    /// The WAV file to write.
    pub out: &'a Path,
    /// `--bars`.
    pub bars: Option<u32>,
    /// `--section`.
    pub section: Option<&'a str>,
    /// `--seconds`.
    pub seconds: Option<f64>,
    /// `--sample-rate`.
    pub sample_rate: u32,
    /// `--format`.
    pub format: WavFormat,
    /// `--soundfont`.
    pub soundfont: Option<&'a str>,
    /// `--no-effects`.
    pub no_effects: bool,
    /// `--jobs`: render threads [default: one per core].
    pub jobs: Option<usize>,
}

/// Reads `--jobs`: a whole number of threads, 1 or more.
pub fn parse_jobs(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("a render needs at least 1 thread; give 1 or more".to_string()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!(
            "`{text}` is not a number of threads; give a whole number, 1 or more"
        )),
    }
}

/// Renders the song and writes the WAV file: atomically to a file, or whole to a device, FIFO
/// or standard output (`-o -`).
pub fn run(req: &Request) -> Result<ExitCode, Failure> {
    let song = source::compile(req.file)?;
    source::warn(req.file, &song);
    let (song, section_bars) = section::place(req.file, song, req.section)?;
    let natural = section_bars.map(i64::from).or(song.length_bars());
    let length = length::parse(req.bars, req.seconds, natural)?;
    length::require_notes(req.file, &song, length)?;
    let mut options = RenderOptions::new(req.sample_rate);
    options.effects = !req.no_effects;
    options.jobs = req.jobs.unwrap_or_else(render::default_jobs);
    render::check(length, &options).map_err(|e| Failure::input(format!("error: {e}")))?;
    let (source, font) = soundfonts::load(req.soundfont)?;
    source::warn_font(req.file, &song, &source, &font);

    let started = Instant::now();
    let show_progress = std::io::stderr().is_terminal();
    let mut last_shown = -1i64;
    let mut progress = |done: f64| {
        if !show_progress {
            return;
        }
        let percent = (done * 100.0).floor() as i64;
        if percent != last_shown {
            last_shown = percent;
            let filled = (done * 30.0).round() as usize;
            eprint!(
                "\rrendering [{}{}] {percent:3}%",
                "#".repeat(filled),
                " ".repeat(30 - filled.min(30))
            );
        }
    };
    // Ctrl-C or SIGTERM ends the render between blocks, so the half-written temporary file
    // is removed on the way out instead of left beside the target.
    let interrupted = Arc::new(AtomicBool::new(false));
    interrupt::raise_on_interrupt(&interrupted, 130)?;
    let result = wav::write_wav(req.out, req.sample_rate, req.format, |sink| {
        let mut sink = |frames: &[f32]| {
            if interrupted.load(Ordering::Relaxed) {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::Interrupted,
                    "interrupted",
                ));
            }
            sink(frames)
        };
        render::render(&song, &font, length, &options, &mut sink, &mut progress)
    });
    if show_progress {
        eprint!("\r{}\r", " ".repeat(48));
    }
    let rendered = result.map_err(|e| match e {
        WriteError::Produce(RenderError::Sink(e))
            if e.kind() == std::io::ErrorKind::Interrupted =>
        {
            Failure {
                message: format!(
                    "flam: render interrupted; {} was left as it was",
                    req.out.display()
                ),
                code: 130,
            }
        }
        WriteError::Io(e) => length::create_failure(req.out, &e),
        WriteError::Produce(RenderError::Sink(e)) => length::create_failure(req.out, &e),
        WriteError::Produce(RenderError::Option(m)) => Failure::input(format!("error: {m}")),
        WriteError::Produce(e) => Failure::io(format!("error: cannot render: {e}")),
    })?;
    let seconds = rendered.frames as f64 / f64::from(req.sample_rate);
    let took = started.elapsed().as_secs_f64().max(1e-9);
    let peak_db = 20.0 * f64::from(rendered.peak.max(1e-9)).log10();
    // Named as `flam export` names it: standard output, or the file a symlink led to.
    let written = Destination::resolve(req.out)
        .map_or_else(|_| req.out.display().to_string(), |d| d.describe());
    eprintln!(
        "wrote {written}: {seconds:.2} s at {} Hz, {} stereo, {} notes, peak {peak_db:.1} dBFS, with {} ({:.0}× real time)",
        req.sample_rate,
        req.format,
        rendered.notes,
        source.describe(),
        seconds / took
    );
    Ok(ExitCode::SUCCESS)
}
