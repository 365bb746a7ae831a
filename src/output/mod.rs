//! Output: where the engine's messages go. Live, each output is a
//! [`crate::engine::sink::Sink`]: ALSA through midir, JACK through the jack crate, the
//! built-in synth on an audio device through cpal, or an in-memory capture for tests.
//! Offline: the SoundFont synthesizer, rendering to WAV and export to MIDI files.

pub mod alsa;
pub mod alsa_input;
pub mod atomic_file;
pub mod audio_clock;
pub mod audio_device;
pub mod audio_host;
pub mod capture;
pub mod captured;
pub mod coverage;
pub mod decimator;
pub mod delivery_counts;
pub mod destination;
pub mod effects_bus;
pub mod handover;
pub mod input_counts;
pub mod input_feed;
pub mod input_target;
#[cfg(feature = "jack")]
pub mod jack;
pub mod length;
pub mod limiter;
pub mod listing;
pub mod opened;
pub mod opened_input;
pub mod output_error;
pub mod parallel_render;
pub mod quiet_stderr;
pub mod render;
pub mod render_groups;
pub mod smf;
pub mod soundfont;
pub mod started_synth;
pub mod stem;
pub mod stem_render;
pub mod superdirt;
pub mod synth;
pub mod synth_callback;
pub mod synth_cue;
pub mod synth_meters;
pub mod synth_sink;
pub mod target;
pub mod wav;

use std::sync::Arc;

use rustysynth::SoundFont;

use audio_device::AudioDevice;
use opened::Opened;
use output_error::{OutputError, OutputErrorKind};
use target::Target;

/// The port name flam uses for its own port when `--virtual` does not name one.
pub const DEFAULT_PORT: &str = "out";

/// Opens a MIDI output. `virtual_name` names flam's own port (JACK) or virtual port (ALSA).
/// Errors say what was tried and how to fix it. The synth is started with [`start_synth`];
/// here [`Target::Default`] means the MIDI outputs tried when no audio device is usable.
pub fn open(target: &Target, virtual_name: Option<&str>) -> Result<Opened, OutputError> {
    match target {
        Target::Synth => Err(OutputError::new(
            OutputErrorKind::Unsupported,
            "the built-in synth plays with `flam play FILE --out synth` (add --watch to hear each save)",
        )
        .help("here, send MIDI to a synth: --out jack:PORT or --out midi:PORT (see `flam ports`)")),
        Target::Alsa(Some(port)) => alsa::open(port),
        Target::Alsa(None) => alsa::open_virtual(virtual_name.unwrap_or("flam")),
        Target::Jack(port) => open_jack(port.as_deref(), virtual_name),
        Target::SuperDirt(dirt) => superdirt::open(dirt),
        Target::Default => {
            let mut tried = Vec::new();
            open_default_midi(virtual_name, &mut tried).ok_or_else(|| nothing_works(&tried))
        }
    }
}

/// The MIDI fallbacks in order: flam's JACK port if a server is running, else a virtual
/// ALSA port. Each failure is added to `tried` as (what, why).
pub fn open_default_midi(
    virtual_name: Option<&str>,
    tried: &mut Vec<(String, String)>,
) -> Option<Opened> {
    match open_jack(None, virtual_name) {
        Ok(o) => return Some(o),
        Err(e) => tried.push(("JACK MIDI".into(), e.problem)),
    }
    let alsa = match alsa::ports() {
        Ok(_) => open(&Target::Alsa(None), virtual_name),
        Err(e) => Err(e),
    };
    match alsa {
        Ok(o) => Some(o),
        Err(e) => {
            tried.push(("ALSA MIDI".into(), e.problem));
            None
        }
    }
}

/// The error when no output could be opened, naming everything tried.
pub fn nothing_works(tried: &[(String, String)]) -> OutputError {
    let mut error = OutputError::new(OutputErrorKind::Unavailable, "no output is available");
    for (what, why) in tried {
        error = error.detail(format!("tried {what}: {why}"));
    }
    error.help("for sound, free or connect a sound card (`aplay -l`) or start a JACK server and use --audio jack; for MIDI, start a JACK server (`sudo apt-get install jackd2`, then `jackd -d alsa`) or load the ALSA sequencer (`sudo modprobe snd-seq`); `flam ports` shows the MIDI outputs flam can see")
}

/// Starts the built-in synth on `device` playing `font`, `buffer` frames per callback where
/// the device allows. Returns the output and notes for the user.
pub fn start_synth(
    device: AudioDevice,
    font: &Arc<SoundFont>,
    buffer: Option<u32>,
) -> Result<(Opened, Vec<String>), OutputError> {
    let started = device.start(font, buffer)?;
    let meters = started.sink.meters();
    Ok((
        Opened {
            sink: Box::new(started.sink),
            description: started.description,
            delivery: None,
            monitor: None,
            synth: Some(meters),
        },
        started.notes,
    ))
}

#[cfg(feature = "jack")]
fn open_jack(port: Option<&str>, virtual_name: Option<&str>) -> Result<Opened, OutputError> {
    let (sink, description) = jack::JackSink::open(virtual_name.unwrap_or(DEFAULT_PORT), port)?;
    let delivery = sink.delivery();
    Ok(Opened {
        sink: Box::new(sink),
        description,
        delivery: Some(delivery),
        monitor: None,
        synth: None,
    })
}

#[cfg(not(feature = "jack"))]
fn open_jack(_port: Option<&str>, _virtual_name: Option<&str>) -> Result<Opened, OutputError> {
    Err(OutputError::new(
        OutputErrorKind::NotBuilt,
        "this flam was built without JACK support",
    )
    .help("rebuild with `cargo build --features jack`, or use --out midi:PORT"))
}

/// The port name flam's own MIDI input gets when nothing names it.
pub const DEFAULT_INPUT: &str = "in";

/// Opens a MIDI input: someone else's port to listen to, or a port of flam's own.
pub fn open_input(
    target: &input_target::InputTarget,
) -> Result<opened_input::OpenedInput, OutputError> {
    match target {
        input_target::InputTarget::Alsa(port) => alsa_input::open(port.as_deref(), DEFAULT_INPUT),
        input_target::InputTarget::Jack(port) => open_jack_input(port.as_deref()),
    }
}

#[cfg(feature = "jack")]
fn open_jack_input(port: Option<&str>) -> Result<opened_input::OpenedInput, OutputError> {
    jack::jack_input::open(DEFAULT_INPUT, port)
}

#[cfg(not(feature = "jack"))]
fn open_jack_input(_port: Option<&str>) -> Result<opened_input::OpenedInput, OutputError> {
    Err(OutputError::new(
        OutputErrorKind::NotBuilt,
        "this flam was built without JACK support",
    )
    .help("rebuild with `cargo build --features jack`, or use --in midi:PORT"))
}
