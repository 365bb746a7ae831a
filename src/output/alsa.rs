//! ALSA sequencer output through midir: sends at once, the sender owns the timing.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use midir::{MidiOutput, MidiOutputConnection};

use super::handover::until_taken;
use super::opened::Opened;
use super::output_error::{OutputError, OutputErrorKind};
use crate::engine::midi::Midi;
use crate::engine::sink::{Sink, SinkError};

/// What to do when there is no ALSA sequencer.
const NO_SEQUENCER: &str = "the ALSA sequencer (/dev/snd/seq) is not available: load it with `sudo modprobe snd-seq` (and check that you may open /dev/snd/seq: `sudo usermod -aG audio $USER`), or start a JACK server (`jackd -d alsa`) and use --out jack";

/// A connection to an ALSA sequencer port (or a virtual port of flam's own).
pub struct AlsaSink {
    connection: MidiOutputConnection,
    gone: Arc<AtomicBool>,
}

impl Sink for AlsaSink {
    fn send(&mut self, midi: Midi, _at: f64) -> Result<(), SinkError> {
        let (bytes, len) = midi.bytes();
        // midir's sequencer is non-blocking: a burst can fill its queue to a slow port (a
        // 31.25 kbaud cable takes 1 ms a message), which is a reason to wait, not to stop.
        let connection = &mut self.connection;
        if until_taken(&self.gone, || connection.send(&bytes[..len]).is_ok()) {
            Ok(())
        } else {
            Err(SinkError("the ALSA MIDI port stopped taking messages"))
        }
    }

    fn healthy(&self) -> Result<(), SinkError> {
        if self.gone.load(Ordering::Acquire) {
            Err(SinkError(
                "the ALSA MIDI port flam was sending to went away",
            ))
        } else {
            Ok(())
        }
    }
}

/// Why the ALSA sequencer cannot be opened: `why`, and `help`.
pub fn no_sequencer(why: impl std::fmt::Display, help: &str) -> OutputError {
    OutputError::new(
        OutputErrorKind::Unavailable,
        format!("cannot open the ALSA sequencer: {why}"),
    )
    .help(help)
}

/// Whether the sequencer's device is there: checked before alsa-lib is asked, since it
/// prints its own noise to stderr when the device is missing.
pub fn sequencer_present(help: &str) -> Result<(), OutputError> {
    if std::path::Path::new("/dev/snd/seq").exists() {
        Ok(())
    } else {
        Err(no_sequencer("/dev/snd/seq does not exist", help))
    }
}

fn client() -> Result<MidiOutput, OutputError> {
    sequencer_present(NO_SEQUENCER)?;
    MidiOutput::new("flam").map_err(|e| no_sequencer(e, NO_SEQUENCER))
}

/// The names of the ALSA MIDI ports flam can send to, numbered from 0 in this order.
pub fn ports() -> Result<Vec<String>, OutputError> {
    let out = client()?;
    Ok(out
        .ports()
        .iter()
        .map(|p| out.port_name(p).unwrap_or_else(|_| "(unnamed port)".into()))
        .collect())
}

/// Connects to a port given by number (as `flam ports` lists them) or by name (exactly, or
/// a unique part of it, ignoring case).
pub fn open(selector: &str) -> Result<Opened, OutputError> {
    let out = client()?;
    let available = out.ports();
    let names: Vec<String> = available
        .iter()
        .map(|p| out.port_name(p).unwrap_or_default())
        .collect();
    let index = choose(&names, selector)?;
    let name = names[index].clone();
    let connection = out.connect(&available[index], "flam").map_err(|e| {
        OutputError::new(
            OutputErrorKind::Refused,
            format!("cannot connect to ALSA port `{name}`: {e}"),
        )
    })?;
    let gone = Arc::new(AtomicBool::new(false));
    let flag = gone.clone();
    // Sending to a port that has gone away does not fail in ALSA (the subscription just ends),
    // so the session looks for the port now and then.
    let monitor = move || {
        let there = ports().is_ok_and(|p| p.contains(&name));
        if !there {
            flag.store(true, Ordering::Release);
        }
        there
    };
    Ok(Opened {
        sink: Box::new(AlsaSink { connection, gone }),
        description: format!("ALSA port {}", names[index]),
        delivery: None,
        monitor: Some(Box::new(monitor)),
        synth: None,
    })
}

/// Makes a virtual ALSA port called `name` that other programs connect to.
pub fn open_virtual(name: &str) -> Result<Opened, OutputError> {
    use midir::os::unix::VirtualOutput;
    let out = client()?;
    let connection = out.create_virtual(name).map_err(|e| {
        OutputError::new(
            OutputErrorKind::Refused,
            format!("cannot create the virtual ALSA port `{name}`: {e}"),
        )
    })?;
    Ok(Opened {
        sink: Box::new(AlsaSink {
            connection,
            gone: Arc::new(AtomicBool::new(false)),
        }),
        description: format!("virtual ALSA port flam:{name} (connect it with `aconnect`)"),
        delivery: None,
        monitor: None,
        synth: None,
    })
}

/// Which of the ALSA ports `names` the user means by `selector`: a number from `flam ports`,
/// the whole name, or a unique part of it, ignoring case.
pub fn choose(names: &[String], selector: &str) -> Result<usize, OutputError> {
    let listing = |kind: OutputErrorKind, problem: String| {
        let error = OutputError::new(kind, problem);
        if names.is_empty() {
            error.help("no ALSA MIDI ports are available; plug in a device or start a synth")
        } else {
            let list: Vec<String> = names
                .iter()
                .enumerate()
                .map(|(i, n)| format!("      {i}: {n}"))
                .collect();
            error.help(format!("the ALSA ports are:\n{}", list.join("\n")))
        }
    };
    let index = if let Ok(i) = selector.parse::<usize>() {
        if i >= names.len() {
            return Err(listing(
                OutputErrorKind::NotFound,
                format!("there is no ALSA MIDI port number {i}"),
            ));
        }
        i
    } else if let Some(i) = names.iter().position(|n| n == selector) {
        i
    } else {
        let wanted = selector.to_lowercase();
        let matches: Vec<usize> = (0..names.len())
            .filter(|&i| names[i].to_lowercase().contains(&wanted))
            .collect();
        match matches.as_slice() {
            [i] => *i,
            [] => {
                return Err(listing(
                    OutputErrorKind::NotFound,
                    format!("no ALSA MIDI port is called `{selector}`"),
                ));
            }
            _ => {
                return Err(listing(
                    OutputErrorKind::Ambiguous,
                    format!("`{selector}` names more than one ALSA MIDI port"),
                ));
            }
        }
    };
    Ok(index)
}
