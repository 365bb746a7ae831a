//! Output: where the engine's messages go. Live, each output is a
//! [`crate::engine::sink::Sink`]: ALSA through midir, JACK through the jack crate, or an
//! in-memory capture for tests. Offline: the SoundFont synthesizer, rendering to WAV and
//! export to MIDI files.

pub mod alsa;
pub mod atomic_file;
pub mod capture;
pub mod captured;
pub mod decimator;
#[cfg(feature = "jack")]
pub mod jack;
pub mod length;
pub mod limiter;
pub mod listing;
pub mod opened;
pub mod render;
pub mod smf;
pub mod soundfont;
pub mod synth;
pub mod target;
pub mod wav;

use opened::Opened;
use target::Target;

/// The port name flam uses for its own port when `--virtual` does not name one.
pub const DEFAULT_PORT: &str = "out";

/// Opens an output. `virtual_name` names flam's own port (JACK) or virtual port (ALSA).
/// Errors say what was tried and how to fix it.
pub fn open(target: &Target, virtual_name: Option<&str>) -> Result<Opened, String> {
    match target {
        Target::Synth => Err("error: live playback through the built-in synth is not built yet\n  = help: play through another synth for now (--out jack:PORT or --out midi:PORT, see `flam ports`), or render to a WAV file with `flam render`".into()),
        Target::Alsa(Some(port)) => alsa::open(port),
        Target::Alsa(None) => alsa::open_virtual(virtual_name.unwrap_or("flam")),
        Target::Jack(port) => open_jack(port.as_deref(), virtual_name),
        Target::Default => {
            let jack_error = match open_jack(None, virtual_name) {
                Ok(o) => return Ok(o),
                Err(e) => e,
            };
            if alsa::available() {
                return open(&Target::Alsa(None), virtual_name);
            }
            let alsa_error = match alsa::ports() {
                Err(e) => e,
                Ok(_) => "error: the ALSA sequencer /dev/snd/seq is missing".into(),
            };
            Err(format!(
                "error: no MIDI output is available\n  tried JACK: {}\n  tried ALSA: {}\n  = help: start a JACK server (`sudo apt-get install jackd2`, then `jackd -d alsa`), or load the ALSA sequencer (`sudo modprobe snd-seq`); `flam ports` shows what flam can see",
                first_line(&jack_error),
                first_line(&alsa_error)
            ))
        }
    }
}

fn first_line(text: &str) -> &str {
    text.lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("error: ")
}

#[cfg(feature = "jack")]
fn open_jack(port: Option<&str>, virtual_name: Option<&str>) -> Result<Opened, String> {
    let (sink, description) = jack::JackSink::open(virtual_name.unwrap_or(DEFAULT_PORT), port)?;
    let (late, _) = sink.counters();
    Ok(Opened {
        sink: Box::new(sink),
        description,
        late: Some(late),
        monitor: None,
    })
}

#[cfg(not(feature = "jack"))]
fn open_jack(_port: Option<&str>, _virtual_name: Option<&str>) -> Result<Opened, String> {
    Err("error: this flam was built without JACK support\n  = help: rebuild with `cargo build --features jack`, or use --out midi:PORT".into())
}
