//! ALSA sequencer MIDI input through midir: a port listened to by name or number, or a
//! virtual port of flam's own that others connect to.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use midir::{Ignore, MidiInput};
use rtrb::{Producer, RingBuffer};

use super::input_counts::InputCounts;
use super::input_feed::feed;
use super::opened_input::OpenedInput;
use super::output_error::{OutputError, OutputErrorKind};
use crate::engine::midi_parser::MidiParser;
use crate::engine::stamped::Stamped;

/// Messages that can wait for the session.
const RING: usize = 8192;

/// What to do when there is no ALSA sequencer.
const NO_SEQUENCER: &str = "the ALSA sequencer (/dev/snd/seq) is not available: load it with `sudo modprobe snd-seq`, or start a JACK server and use --in jack:PORT";

fn client() -> Result<MidiInput, OutputError> {
    super::alsa::sequencer_present(NO_SEQUENCER)?;
    let mut input =
        MidiInput::new("flam").map_err(|e| super::alsa::no_sequencer(e, NO_SEQUENCER))?;
    // SysEx is skipped by flam's own parser; midir drops active sensing and timing by default.
    input.ignore(Ignore::None);
    Ok(input)
}

/// The ALSA MIDI ports flam can listen to, numbered from 0 in this order.
pub fn ports() -> Result<Vec<String>, OutputError> {
    let input = client()?;
    Ok(input
        .ports()
        .iter()
        .map(|p| {
            input
                .port_name(p)
                .unwrap_or_else(|_| "(unnamed port)".into())
        })
        .collect())
}

/// The state midir's input thread keeps: the parser and the ring's producer end.
struct Listener {
    parser: MidiParser,
    out: Producer<Stamped>,
    counts: Arc<InputCounts>,
}

impl Listener {
    fn hear(&mut self, bytes: &[u8]) {
        feed(
            &mut self.parser,
            bytes,
            Instant::now(),
            &mut self.out,
            &self.counts,
        );
    }
}

/// Listens to the port `selector` names (a number from `flam ports`, or a name: whole, or a
/// unique part ignoring case), or, with `None`, makes the virtual port `flam:NAME`.
pub fn open(selector: Option<&str>, virtual_name: &str) -> Result<OpenedInput, OutputError> {
    let input = client()?;
    let (producer, messages) = RingBuffer::new(RING);
    let counts = Arc::new(InputCounts::default());
    let mut listener = Listener {
        parser: MidiParser::new(),
        out: producer,
        counts: counts.clone(),
    };
    let gone = Arc::new(AtomicBool::new(false));
    let refused = |what: String| OutputError::new(OutputErrorKind::Refused, what);
    let Some(selector) = selector else {
        use midir::os::unix::VirtualInput;
        let connection = input
            .create_virtual(virtual_name, move |_, bytes, _| listener.hear(bytes), ())
            .map_err(|e| {
                refused(format!(
                    "cannot create the virtual ALSA port `{virtual_name}`: {e}"
                ))
            })?;
        return Ok(OpenedInput {
            messages: Some(messages),
            description: format!(
                "virtual ALSA port flam:{virtual_name} (connect to it with `aconnect`)"
            ),
            counts,
            gone,
            keep: Box::new(connection),
        });
    };
    let available = input.ports();
    let names: Vec<String> = available
        .iter()
        .map(|p| input.port_name(p).unwrap_or_default())
        .collect();
    let index = super::alsa::choose(&names, selector)?;
    let name = names[index].clone();
    let connection = input
        .connect(
            &available[index],
            "flam-in",
            move |_, bytes, _| listener.hear(bytes),
            (),
        )
        .map_err(|e| refused(format!("cannot listen to ALSA port `{name}`: {e}")))?;
    Ok(OpenedInput {
        messages: Some(messages),
        description: format!("ALSA port {name}"),
        counts,
        gone,
        keep: Box::new(connection),
    })
}
