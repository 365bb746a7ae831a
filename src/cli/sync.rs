//! `--sync`: whose clock `flam play` and `flam live` keep.

use super::failure::Failure;

/// Whose clock to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sync {
    /// The song's own tempo.
    Internal,
    /// A MIDI clock master on `--in`.
    Midi,
    /// JACK transport: start, stop and position shared by the JACK clients on the machine.
    Jack,
}

impl Sync {
    /// Reads `--sync` (absent: internal); `midi` needs an input to hear the clock on.
    pub fn parse(text: Option<&str>, has_input: bool) -> Result<Sync, Failure> {
        let sync = match text.map(|t| t.trim().to_ascii_lowercase()).as_deref() {
            None | Some("internal") => Sync::Internal,
            Some("midi") => Sync::Midi,
            Some("jack") => Sync::Jack,
            Some(other) => {
                return Err(Failure::input(format!(
                    "error: unknown clock `{other}`\n  = help: use --sync internal (the song's tempo), --sync midi (follow a MIDI clock on --in) or --sync jack (follow JACK transport)"
                )));
            }
        };
        if sync == Sync::Midi && !has_input {
            return Err(Failure::input(
                "error: --sync midi needs an input to hear the clock on\n  = help: add --in jack:PORT or --in midi:PORT (see `flam ports`), or --in jack for flam's own port",
            ));
        }
        Ok(sync)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn following_a_clock_needs_an_input_to_hear_it_on() {
        assert_eq!(Sync::parse(None, false).unwrap(), Sync::Internal);
        assert_eq!(Sync::parse(Some("MIDI"), true).unwrap(), Sync::Midi);
        let no_input = Sync::parse(Some("midi"), false).unwrap_err();
        assert_eq!(no_input.code, 2);
        assert!(
            no_input.message.contains("--in jack:PORT"),
            "{}",
            no_input.message
        );
        let unknown = Sync::parse(Some("link"), true).unwrap_err();
        assert!(unknown.message.contains("unknown clock `link`"));
    }
}
