//! JACK MIDI input: flam's own port `flam-in:in`, connected to a source when one is named,
//! every message stamped with the moment of its frame. A client of its own, named apart
//! from the output client `flam`, so the port's name never depends on which opened first.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use jack::{MidiIn, PortFlags};
use rtrb::RingBuffer;

use super::input_process::InputProcess;
use super::jack_sink::{connect, resolve};
use super::notifications::Notifications;
use crate::engine::midi_parser::MidiParser;
use crate::output::input_counts::InputCounts;
use crate::output::opened_input::OpenedInput;
use crate::output::output_error::{OutputError, OutputErrorKind};

/// The input client's name on the server.
pub const CLIENT: &str = "flam-in";

/// Messages that can wait for the session: seconds of a dense controller stream.
const RING: usize = 8192;

/// Opens flam's JACK MIDI input port `port_name` and connects `source` (a MIDI output port,
/// by its whole name or a unique part) to it when given.
pub fn open(port_name: &str, source: Option<&str>) -> Result<OpenedInput, OutputError> {
    let refused = |what: String| OutputError::new(OutputErrorKind::Refused, what);
    let client = connect(CLIENT)?;
    let port = client
        .register_port(port_name, MidiIn::default())
        .map_err(|e| refused(format!("cannot make the JACK port `{port_name}`: {e}")))?;
    let ours = port
        .name()
        .map_err(|e| refused(format!("cannot name the JACK port: {e}")))?;
    let source = match source {
        Some(s) => Some(resolve(&client, s, PortFlags::IS_OUTPUT, "output")?),
        None => None,
    };
    let (producer, messages) = RingBuffer::new(RING);
    let counts = Arc::new(InputCounts::default());
    let gone = Arc::new(AtomicBool::new(false));
    let process = InputProcess {
        port,
        parser: MidiParser::new(),
        out: producer,
        base: (Instant::now(), client.time()),
        counts: counts.clone(),
    };
    let notifications = Notifications {
        gone: gone.clone(),
        ours: ours.clone(),
        target: source.clone(),
    };
    let active = client
        .activate_async(notifications, process)
        .map_err(|e| refused(format!("cannot start the JACK client: {e}")))?;
    let description = match &source {
        Some(s) => {
            active
                .as_client()
                .connect_ports_by_name(s, &ours)
                .map_err(|e| refused(format!("cannot connect `{s}` to `{ours}`: {e}")))?;
            format!("JACK port {s} → {ours}")
        }
        None => format!("JACK port {ours} (connect to it with `jack_connect PORT {ours}`)"),
    };
    Ok(OpenedInput {
        messages: Some(messages),
        description,
        counts,
        gone,
        keep: Box::new(active),
    })
}
