//! What `flam ports` shows: the MIDI outputs flam can see, ALSA and JACK.

use super::output_error::OutputError;

/// The ports of each system, or why that system could not be asked.
#[derive(Clone, Debug, PartialEq)]
pub struct Listing {
    /// ALSA sequencer ports, numbered from 0 as `--out midi:N` counts them.
    pub alsa: Result<Vec<String>, OutputError>,
    /// JACK MIDI input ports.
    pub jack: Result<Vec<String>, OutputError>,
    /// ALSA sequencer ports flam can listen to, numbered from 0 as `--in midi:N` counts them.
    pub alsa_in: Result<Vec<String>, OutputError>,
    /// JACK MIDI output ports flam can listen to.
    pub jack_in: Result<Vec<String>, OutputError>,
}

impl Listing {
    /// Asks ALSA and JACK.
    pub fn gather() -> Listing {
        Listing {
            alsa: super::alsa::ports(),
            jack: jack_ports(PortFlagsWanted::Inputs),
            alsa_in: super::alsa_input::ports(),
            jack_in: jack_ports(PortFlagsWanted::Outputs),
        }
    }

    /// Whether at least one of the two systems answered.
    pub fn any_system(&self) -> bool {
        self.alsa.is_ok() || self.jack.is_ok()
    }

    /// The listing for people: each port labelled with its system and how to name it in
    /// `--out`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        match &self.alsa {
            Ok(ports) if ports.is_empty() => out.push_str("ALSA: no MIDI ports\n"),
            Ok(ports) => {
                out.push_str("ALSA MIDI ports (use --out midi:N or --out midi:NAME):\n");
                for (i, p) in ports.iter().enumerate() {
                    out.push_str(&format!("  midi:{i}  {p}\n"));
                }
            }
            Err(e) => out.push_str(&format!("ALSA: not available\n{}\n", indent(e))),
        }
        if self.alsa.is_ok() {
            match &self.alsa_in {
                Ok(ports) if ports.is_empty() => {
                    out.push_str("ALSA: no MIDI ports to listen to (--in midi makes flam's own)\n")
                }
                Ok(ports) => {
                    out.push_str(
                        "ALSA MIDI ports to listen to (use --in midi:N or --in midi:NAME):\n",
                    );
                    for (i, p) in ports.iter().enumerate() {
                        out.push_str(&format!("  midi:{i}  {p}\n"));
                    }
                }
                Err(e) => out.push_str(&format!("ALSA input: not available\n{}\n", indent(e))),
            }
        }
        match &self.jack {
            Ok(ports) if ports.is_empty() => out.push_str(
                "JACK: server running, no MIDI inputs (use --out jack for flam's own port)\n",
            ),
            Ok(ports) => {
                out.push_str("JACK MIDI inputs (use --out jack:PORT):\n");
                for p in ports {
                    out.push_str(&format!("  jack:{p}\n"));
                }
            }
            Err(e) => out.push_str(&format!("JACK: not available\n{}\n", indent(e))),
        }
        if let Ok(ports) = &self.jack_in {
            if ports.is_empty() {
                out.push_str(
                    "JACK: no MIDI outputs to listen to (--in jack makes flam's own port)\n",
                );
            } else {
                out.push_str("JACK MIDI outputs to listen to (use --in jack:PORT):\n");
                for p in ports {
                    out.push_str(&format!("  jack:{p}\n"));
                }
            }
        }
        out
    }
}

/// The problem and its help, indented under the system's line.
fn indent(e: &OutputError) -> String {
    let mut text = format!("  {}", e.problem);
    if let Some(help) = &e.help {
        for line in format!("  = help: {help}").lines() {
            text.push_str(&format!("\n  {line}"));
        }
    }
    text
}

/// Which JACK MIDI ports to list.
enum PortFlagsWanted {
    /// Where flam can send.
    Inputs,
    /// What flam can listen to.
    Outputs,
}

#[cfg(feature = "jack")]
fn jack_ports(which: PortFlagsWanted) -> Result<Vec<String>, OutputError> {
    let client = super::jack::jack_sink::connect("flam-ports")?;
    let flags = match which {
        PortFlagsWanted::Inputs => jack::PortFlags::IS_INPUT,
        PortFlagsWanted::Outputs => jack::PortFlags::IS_OUTPUT,
    };
    Ok(super::jack::jack_sink::midi_ports(&client, flags))
}

#[cfg(not(feature = "jack"))]
fn jack_ports(_which: PortFlagsWanted) -> Result<Vec<String>, OutputError> {
    Err(OutputError::new(
        super::output_error::OutputErrorKind::NotBuilt,
        "this flam was built without JACK support",
    )
    .help("rebuild with `cargo build --features jack`"))
}
