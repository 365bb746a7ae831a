//! Where `--in` listens.

/// A MIDI input named on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputTarget {
    /// An ALSA sequencer port through midir, by name or number; `None` makes a virtual port.
    Alsa(Option<String>),
    /// flam's own JACK MIDI input port `flam-in:in`, connected from the named port when given.
    Jack(Option<String>),
}

impl InputTarget {
    /// Reads `midi:PORT`, `midi`, `jack:PORT` or `jack`.
    pub fn parse(text: &str) -> Result<InputTarget, String> {
        let (kind, rest) = match text.split_once(':') {
            Some((k, r)) => (k, Some(r.trim().trim_matches('"').to_string())),
            None => (text, None),
        };
        let rest = rest.filter(|r| !r.is_empty());
        match kind.trim().to_ascii_lowercase().as_str() {
            "midi" | "alsa" => Ok(InputTarget::Alsa(rest)),
            "jack" => Ok(InputTarget::Jack(rest)),
            _ => Err(format!(
                "error: unknown input `{text}`\n  = help: use `midi:PORT` (an ALSA port by name or number, see `flam ports`), `midi` (a virtual ALSA port of flam's own), `jack:PORT` or `jack` (flam's own JACK port `flam-in:in`)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_named_like_outputs() {
        assert_eq!(
            InputTarget::parse("jack:clock:out"),
            Ok(InputTarget::Jack(Some("clock:out".into())))
        );
        assert_eq!(InputTarget::parse("midi"), Ok(InputTarget::Alsa(None)));
        assert_eq!(
            InputTarget::parse("MIDI:\"TR-8\""),
            Ok(InputTarget::Alsa(Some("TR-8".into())))
        );
        assert!(
            InputTarget::parse("synth")
                .unwrap_err()
                .contains("unknown input `synth`")
        );
    }
}
