//! Where `--out` sends the music.

use super::superdirt::DirtTarget;

/// An output named on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// No `--out`: the built-in synth; without a usable audio device, JACK MIDI if a server
    /// is running, else a virtual ALSA port.
    Default,
    /// An ALSA sequencer port through midir, by name or number; `None` makes a virtual port.
    Alsa(Option<String>),
    /// flam's own JACK MIDI port, connected to the named port when given.
    Jack(Option<String>),
    /// The built-in SoundFont synth on an audio device (`--audio alsa` or `jack`).
    Synth,
    /// SuperDirt (SuperCollider) over OSC, as Tidal plays it.
    SuperDirt(DirtTarget),
}

impl Target {
    /// An `--out` value, named (`drums=jack:TR-8`, for the tracks with `output drums`) or
    /// not (`jack:TR-8`, for every track): the name, if any, and the output.
    pub fn parse_named(text: &str) -> Result<(Option<String>, Target), String> {
        match text.split_once('=') {
            Some((name, target))
                if !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
            {
                Ok((Some(name.to_string()), Target::parse(target)?))
            }
            _ => Ok((None, Target::parse(text)?)),
        }
    }

    /// Reads `midi:PORT`, `midi`, `jack:PORT`, `jack`, `synth` or `superdirt[:HOST:PORT]`.
    pub fn parse(text: &str) -> Result<Target, String> {
        let (kind, rest) = match text.split_once(':') {
            Some((k, r)) => (k, Some(r.trim().trim_matches('"').to_string())),
            None => (text, None),
        };
        let rest = rest.filter(|r| !r.is_empty());
        match kind.trim().to_ascii_lowercase().as_str() {
            "midi" | "alsa" => Ok(Target::Alsa(rest)),
            "jack" => Ok(Target::Jack(rest)),
            "synth" => Ok(Target::Synth),
            "superdirt" | "dirt" => Ok(Target::SuperDirt(DirtTarget::parse(rest.as_deref())?)),
            _ => Err(format!(
                "error: unknown output `{text}`\n  = help: use `midi:PORT` (an ALSA port by name or number, see `flam ports`), `jack:PORT`, `jack` (flam's own JACK port), `synth` or `superdirt[:HOST:PORT]` (SuperCollider's SuperDirt over OSC)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_are_named_by_kind_and_port() {
        assert_eq!(
            Target::parse("midi:\"USB MIDI\""),
            Ok(Target::Alsa(Some("USB MIDI".into())))
        );
        assert_eq!(Target::parse("midi:2"), Ok(Target::Alsa(Some("2".into()))));
        assert_eq!(
            Target::parse("jack:system:midi_playback_1"),
            Ok(Target::Jack(Some("system:midi_playback_1".into())))
        );
        assert_eq!(Target::parse("jack"), Ok(Target::Jack(None)));
        assert_eq!(Target::parse("synth"), Ok(Target::Synth));
        assert!(matches!(
            Target::parse("superdirt:10.0.0.2:57120"),
            Ok(Target::SuperDirt(DirtTarget { port: 57120, .. }))
        ));
        assert!(Target::parse("superdirt:host:70000").is_err());
        assert!(Target::parse("speaker").is_err());
    }
}
