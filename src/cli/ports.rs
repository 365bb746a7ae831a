//! `flam ports`: the MIDI outputs flam can see, ALSA and JACK.

use std::process::ExitCode;

use super::failure::Failure;
use crate::output::listing::Listing;

/// Lists ALSA and JACK MIDI outputs; fails when neither system is there.
pub fn run() -> Result<ExitCode, Failure> {
    let listing = Listing::gather();
    let text = listing.render();
    if !listing.any_system() {
        return Err(Failure::io(format!(
            "{text}error: no MIDI system is available: neither the ALSA sequencer nor a JACK server\n  = help: start a JACK server (`sudo apt-get install jackd2`, then `jackd -d alsa`), or load the ALSA sequencer (`sudo modprobe snd-seq`)"
        )));
    }
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}
