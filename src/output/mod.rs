//! Outputs: where the engine's messages go. Each one is a [`crate::engine::sink::Sink`]:
//! ALSA through midir, JACK through the jack crate, or an in-memory capture for tests.

pub mod alsa;
pub mod capture;
pub mod captured;
#[cfg(feature = "jack")]
pub mod jack;
pub mod listing;
pub mod opened;
pub mod target;

use opened::Opened;
use target::Target;

/// The port name flam uses for its own port when `--virtual` does not name one.
pub const DEFAULT_PORT: &str = "out";

/// Opens an output. `virtual_name` names flam's own port (JACK) or virtual port (ALSA).
/// Errors say what was tried and how to fix it.
pub fn open(target: &Target, virtual_name: Option<&str>) -> Result<Opened, String> {
    let opened = |(sink, description): (Box<dyn crate::engine::sink::Sink>, String)| Opened {
        sink,
        description,
    };
    match target {
        Target::Synth => Err("error: the built-in synth is not built yet\n  = help: play through another synth for now: --out jack:PORT or --out midi:PORT (see `flam ports`)".into()),
        Target::Alsa(Some(port)) => {
            alsa::open(port).map(|(s, d)| opened((Box::new(s), d)))
        }
        Target::Alsa(None) => alsa::open_virtual(virtual_name.unwrap_or("flam"))
            .map(|(s, d)| opened((Box::new(s), d))),
        Target::Jack(port) => open_jack(port.as_deref(), virtual_name).map(opened),
        Target::Default => {
            let jack = open_jack(None, virtual_name);
            let jack_error = match jack {
                Ok(o) => return Ok(opened(o)),
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
fn open_jack(
    port: Option<&str>,
    virtual_name: Option<&str>,
) -> Result<(Box<dyn crate::engine::sink::Sink>, String), String> {
    jack::JackSink::open(virtual_name.unwrap_or(DEFAULT_PORT), port)
        .map(|(s, d)| (Box::new(s) as Box<dyn crate::engine::sink::Sink>, d))
}

#[cfg(not(feature = "jack"))]
fn open_jack(
    _port: Option<&str>,
    _virtual_name: Option<&str>,
) -> Result<(Box<dyn crate::engine::sink::Sink>, String), String> {
    Err("error: this flam was built without JACK support\n  = help: rebuild with `cargo build --features jack`, or use --out midi:PORT".into())
}
