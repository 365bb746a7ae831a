//! Which audio system the live synth plays through (`--audio`).

use std::fmt;

/// An audio system cpal can play through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AudioHost {
    /// ALSA's default PCM device.
    Alsa,
    /// A running JACK server (flam's ports are connected to `system:playback_*`).
    Jack,
}

impl AudioHost {
    /// Reads `alsa` or `jack`.
    pub fn parse(text: &str) -> Result<AudioHost, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "alsa" => Ok(AudioHost::Alsa),
            "jack" => Ok(AudioHost::Jack),
            _ => Err(format!(
                "error: unknown audio system `{text}`\n  = help: use --audio alsa (the default) or --audio jack"
            )),
        }
    }
}

impl fmt::Display for AudioHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AudioHost::Alsa => "ALSA",
            AudioHost::Jack => "JACK",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audio_systems_are_named_in_any_case() {
        assert_eq!(AudioHost::parse("alsa"), Ok(AudioHost::Alsa));
        assert_eq!(AudioHost::parse(" JACK "), Ok(AudioHost::Jack));
        assert!(
            AudioHost::parse("pulse")
                .unwrap_err()
                .contains("--audio jack")
        );
    }
}
