//! The command line: `flam check | events | mini | rudiments | play | render | export`.

pub mod check;
pub mod cycles;
pub mod drums;
pub mod events;
pub mod export;
pub mod failure;
pub mod font_preload;
pub mod interrupt;
pub mod length;
pub mod live;
pub mod mini;
pub mod mini_draw;
pub mod play;
pub mod ports;
pub mod record;
pub mod render;
pub mod rudiments;
pub mod section;
pub mod soundfonts;
pub mod source;
pub mod sync;

use std::path::PathBuf;

use crate::output::wav::WavFormat;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use failure::Failure;

/// flam: a terminal beat sequencer and live pattern tool.
#[derive(Parser, Debug)]
#[command(name = "flam", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Play a song live through the built-in synth or to MIDI outputs until Ctrl-C (or for
    /// --bars N).
    Play {
        /// The song file.
        file: PathBuf,
        /// Where to send: `synth` (the built-in synth on an audio device), `midi:PORT` (ALSA,
        /// by name or number), `jack:PORT`, `jack` (flam's own JACK port). Repeat for several
        /// outputs. Default: the synth; without a usable audio device, JACK MIDI if a server is
        /// running, else a virtual ALSA port.
        #[arg(long, value_name = "OUTPUT")]
        out: Vec<String>,
        /// The synth's audio system: `alsa` (the default device) or `jack` (a running server).
        #[arg(long, value_name = "SYSTEM")]
        audio: Option<String>,
        /// Frames per audio buffer for the synth (ALSA; JACK's server sets its own) [default: 256].
        #[arg(long, value_name = "FRAMES", value_parser = clap::value_parser!(u32).range(64..=4096))]
        buffer: Option<u32>,
        /// The synth's SoundFont: a .sf2 path, an installed one's name (see `flam soundfonts`),
        /// or `built-in`.
        #[arg(long, value_name = "PATH")]
        soundfont: Option<String>,
        /// Say how long starting took (song, SoundFont, audio, first note) and what the synth
        /// measured.
        #[arg(long, short)]
        verbose: bool,
        /// Name flam's own port (JACK) or virtual port (ALSA) for others to connect to.
        #[arg(long = "virtual", value_name = "NAME")]
        virtual_name: Option<String>,
        /// Reload the file when it changes; the new version takes over at the next bar line.
        #[arg(long)]
        watch: bool,
        /// Send MIDI clock (24 per quarter note) with Start and Stop: to every output, or with
        /// `--clock=drums,bass` to the named outputs only.
        #[arg(long, value_name = "NAMES", num_args = 0..=1, require_equals = true,
              default_missing_value = "")]
        clock: Option<String>,
        /// Listen to a MIDI input: `midi:PORT` (ALSA, by name or number), `midi` (a virtual
        /// ALSA port of flam's own), `jack:PORT` (a JACK MIDI output) or `jack` (flam's own
        /// port `flam-in:in`).
        #[arg(long = "in", value_name = "INPUT")]
        input: Option<String>,
        /// Whose clock to keep: `internal` (the song's tempo, the default), `midi` (follow
        /// the 24-PPQN clock, Start, Stop, Continue and Song Position on --in) or `jack`
        /// (follow JACK transport).
        #[arg(long, value_name = "CLOCK")]
        sync: Option<String>,
        /// Be JACK's timebase master: every JACK client reads bar, beat, tick and tempo from
        /// the song, and flam follows the transport (implies --sync jack).
        #[arg(long)]
        jack_timebase: bool,
        /// Send this many ms early for an output that sounds late (once for all, or per --out).
        #[arg(long, value_name = "MS")]
        latency: Vec<f64>,
        /// The MIDI outputs feed 5-pin DIN gear: keep each within the 3,125 bytes a second a DIN
        /// cable carries, thinning lane values (notes always go).
        #[arg(long)]
        din: bool,
        /// Play this many bars, then stop [default: an arranged song's length; else on and on].
        #[arg(long, value_name = "N")]
        bars: Option<u32>,
        /// Play only this section of an arranged song, round and round.
        #[arg(long, value_name = "NAME")]
        section: Option<String>,
        /// Start at this bar, counted from 1 as the status line and `flam live` count them.
        #[arg(long, value_name = "BAR", default_value_t = 1,
              value_parser = clap::value_parser!(u32).range(1..))]
        from: u32,
        /// Take OSC control messages on this UDP port (0: one the system picks, printed at
        /// the start); see docs/osc.md.
        #[arg(long, value_name = "PORT")]
        osc: Option<u16>,
        /// The address the OSC port listens on [default: 127.0.0.1, this machine only].
        #[arg(long, value_name = "ADDR", requires = "osc")]
        osc_bind: Option<std::net::IpAddr>,
    },
    /// List the MIDI outputs and inputs flam can see, ALSA and JACK.
    Ports,
    /// Compile .flam files and report every error; exit 0 when all compile, 2 when not.
    Check {
        /// The song files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Warn about notes this SoundFont has no sound for: a .sf2 path, an installed one's
        /// name (see `flam soundfonts`), or `built-in` (the default, or $FLAM_SOUNDFONT).
        #[arg(long, value_name = "PATH")]
        soundfont: Option<String>,
    },
    /// Print exactly the notes a song plays, sorted by time.
    Events {
        /// The song file.
        file: PathBuf,
        /// Which bars to list, as A..B (B not included); `--cycles -2..1` works as
        /// `--cycles=-2..1` does.
        #[arg(long, default_value = "0..4", allow_hyphen_values = true)]
        cycles: String,
        /// Print JSON (see docs/cli.md) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print the events of a mini-notation pattern in Strudel's conformance format.
    Mini {
        /// The pattern, e.g. "bd*2 [sn cp]".
        #[arg(required_unless_present = "batch", allow_hyphen_values = true)]
        pattern: Option<String>,
        /// Read one pattern per line from FILE and print one line per pattern.
        #[arg(long, value_name = "FILE", conflicts_with = "pattern")]
        batch: Option<PathBuf>,
        /// Which cycles to query, one query per cycle, as A..B.
        #[arg(long, default_value = "0..4", allow_hyphen_values = true)]
        cycles: String,
        /// Draw the pattern as text, one character per step, like Tidal's `drawLine`,
        /// instead of printing its events.
        #[arg(long, conflicts_with = "batch")]
        draw: bool,
    },
    /// Render a song to a WAV file with the built-in synthesizer (or another SoundFont).
    Render {
        /// The song file.
        file: PathBuf,
        /// The WAV file to write (replaced whole, or left alone if anything fails; through a
        /// symlink to its target; a device or FIFO is written in place; `-` is standard output).
        #[arg(short, long, value_name = "OUT.wav")]
        output: PathBuf,
        /// How many bars to render from bar 1 [default: an arranged song's length, else 8].
        #[arg(long, value_name = "N", conflicts_with = "seconds")]
        bars: Option<u32>,
        /// Render only this section of an arranged song (once, unless --bars says more).
        #[arg(long, value_name = "NAME")]
        section: Option<String>,
        /// How many seconds to render instead (notes that start before then play).
        #[arg(long, value_name = "S")]
        seconds: Option<f64>,
        /// Samples per second.
        #[arg(long, default_value_t = 48000, value_parser = clap::value_parser!(u32).range(8000..=192000))]
        sample_rate: u32,
        /// Sample format: 16, 24 or float.
        #[arg(long, default_value = "16")]
        format: WavFormat,
        /// A SoundFont (.sf2) path, an installed one's name (see `flam soundfonts`), or `built-in`.
        #[arg(long, value_name = "PATH")]
        soundfont: Option<String>,
        /// Leave out reverb and chorus.
        #[arg(long)]
        no_effects: bool,
        /// How many threads render, 1 or more [default: one per core]; the file is the same
        /// for any number.
        #[arg(long, short = 'j', value_name = "N", value_parser = render::parse_jobs)]
        jobs: Option<usize>,
    },
    /// Export a song's notes to a Standard MIDI File (type 1, one track per flam track).
    Export {
        /// The song file.
        file: PathBuf,
        /// The MIDI file to write (replaced whole, or left alone if anything fails; through a
        /// symlink to its target; a device or FIFO is written in place; `-` is standard output).
        #[arg(short, long, value_name = "OUT.mid")]
        output: PathBuf,
        /// How many bars to export from bar 1 [default: an arranged song's length, else 8].
        #[arg(long, value_name = "N", conflicts_with = "seconds")]
        bars: Option<u32>,
        /// Export only this section of an arranged song (once, unless --bars says more).
        #[arg(long, value_name = "NAME")]
        section: Option<String>,
        /// How many seconds to export instead.
        #[arg(long, value_name = "S")]
        seconds: Option<f64>,
    },
    /// Record what a MIDI input plays into a song: from the first note, quantized to a grid,
    /// as mini-notation (chords, drum names, a vel line). Written to standard output or -o.
    Record {
        /// Where to listen: `midi:PORT`, `midi`, `jack:PORT` or `jack` (as for `flam play --in`).
        #[arg(long = "in", value_name = "INPUT")]
        input: String,
        /// How many bars to record, from the first note played.
        #[arg(long, value_name = "N", default_value_t = 4)]
        bars: u32,
        /// The grid notes are moved to: a note value such as 1/8, 1/16 or 1/16T.
        #[arg(long, value_name = "GRID", default_value = "1/16")]
        quantize: String,
        /// The tempo played to, in quarter notes per minute.
        #[arg(long, value_name = "BPM", default_value_t = 120.0)]
        tempo: f64,
        /// The meter played in.
        #[arg(long, value_name = "B/U", default_value = "4/4")]
        meter: String,
        /// How far each start moves toward its step, in percent: 100 all the way, less keeps
        /// some of the feel (then written on a grid twelve times finer).
        #[arg(long, value_name = "PERCENT", default_value_t = 100.0)]
        strength: f64,
        /// The song file to write (atomically; `-` or nothing: standard output).
        #[arg(short, long, value_name = "OUT.flam")]
        output: Option<PathBuf>,
    },
    /// List the SoundFonts flam can use: the built-in one and those installed.
    Soundfonts,
    /// List the 40 PAS drum rudiments with their sticking.
    Rudiments,
    /// List the General MIDI drum names and program names.
    Drums,
    /// Jam on a song in the terminal UI: edit while it plays.
    Live {
        /// The song file (created on the first save if it does not exist).
        file: PathBuf,
        /// Where to play: `jack`, `jack:PORT`, `midi`, `midi:PORT`, `synth` (default: the
        /// song's `output NAME PORT` lines, else JACK if a server is running, else ALSA).
        /// Repeat for several outputs; `--out drums=jack:TR-8` names one for the tracks with
        /// `output drums`. F4 switches while jamming; Alt-P sends a track to another output.
        #[arg(long, value_name = "OUTPUT")]
        out: Vec<String>,
        /// Send this many milliseconds early, for an output that sounds late.
        #[arg(long, default_value_t = 0.0)]
        latency: f64,
        /// Send every edit that compiles after a pause in typing, instead of waiting for
        /// Ctrl-Enter (or Alt-Enter).
        #[arg(long)]
        as_you_type: bool,
        /// The synth's SoundFont: a .sf2 path, an installed one's name (see `flam soundfonts`),
        /// or `built-in` (the default, or $FLAM_SOUNDFONT).
        #[arg(long)]
        soundfont: Option<String>,
        /// Listen to a MIDI input, as for `flam play --in`.
        #[arg(long = "in", value_name = "INPUT")]
        input: Option<String>,
        /// Whose clock to keep: `internal` (the default) or `midi` (follow a MIDI clock on --in).
        #[arg(long, value_name = "CLOCK")]
        sync: Option<String>,
    },
}

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check { files, soundfont } => check::run(&files, soundfont.as_deref()),
        Command::Play {
            file,
            out,
            audio,
            buffer,
            soundfont,
            verbose,
            virtual_name,
            watch,
            clock,
            input,
            sync,
            jack_timebase,
            latency,
            din,
            bars,
            section,
            from,
            osc,
            osc_bind,
        } => play::run(&play::PlayArgs {
            file,
            out,
            audio,
            buffer,
            soundfont,
            verbose,
            virtual_name,
            watch,
            clock,
            input,
            sync,
            jack_timebase,
            latency_ms: latency,
            din,
            bars,
            section,
            from,
            osc,
            osc_bind,
        }),
        Command::Ports => ports::run(),
        Command::Record {
            input,
            bars,
            quantize,
            tempo,
            meter,
            strength,
            output,
        } => record::run(&record::RecordArgs {
            input,
            bars,
            quantize,
            tempo,
            meter,
            strength,
            output,
        }),
        Command::Rudiments => rudiments::run(),
        Command::Drums => drums::run(),
        Command::Live {
            file,
            out,
            latency,
            as_you_type,
            soundfont,
            input,
            sync,
        } => live::run(&live::LiveArgs {
            file,
            out,
            latency_ms: latency,
            as_you_type,
            soundfont,
            input,
            sync,
        }),
        Command::Events { file, cycles, json } => events::run(&file, &cycles, json),
        Command::Mini {
            pattern,
            batch,
            cycles,
            draw,
        } => mini::run(pattern.as_deref(), batch.as_deref(), &cycles, draw),
        Command::Render {
            file,
            output,
            bars,
            section,
            seconds,
            sample_rate,
            format,
            soundfont,
            no_effects,
            jobs,
        } => render::run(&render::Request {
            file: &file,
            out: &output,
            bars,
            section: section.as_deref(),
            seconds,
            sample_rate,
            format,
            soundfont: soundfont.as_deref(),
            no_effects,
            jobs,
        }),
        Command::Export {
            file,
            output,
            bars,
            section,
            seconds,
        } => export::run(&file, &output, bars, section.as_deref(), seconds),
        Command::Soundfonts => soundfonts::run(),
    };
    match result {
        Ok(code) => code,
        Err(failure) => {
            if !failure.message.is_empty() {
                eprintln!("{}", failure.message.trim_end());
            }
            ExitCode::from(failure.code)
        }
    }
}
