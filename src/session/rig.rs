//! The rig: every output flam plays through, found and opened in one place for `flam play`
//! and `flam live`. The synth's audio device is probed first (while the song compiles), then
//! everything opens; a synth that cannot sound gives way to what the user would expect
//! (JACK audio, then MIDI), and says so.

use std::sync::Arc;

use rustysynth::SoundFont;

use crate::output::audio_device::AudioDevice;
use crate::output::audio_host::AudioHost;
use crate::output::input_target::InputTarget;
use crate::output::opened::Opened;
use crate::output::opened_input::OpenedInput;
use crate::output::output_error::OutputError;
use crate::output::target::Target;
use crate::output::{self};

/// How the rig chooses and opens its outputs.
#[derive(Clone, Debug, PartialEq)]
pub struct RigOptions {
    /// The audio systems the synth may play through, in the order tried.
    pub audio: Vec<AudioHost>,
    /// Whether the user named the audio system (`--audio`): then nothing else is tried.
    pub audio_named: bool,
    /// Frames per audio buffer, where the device lets flam choose.
    pub buffer: Option<u32>,
    /// The name of flam's own MIDI port (`--virtual`).
    pub virtual_name: Option<String>,
    /// Let the audio libraries print their own diagnostics.
    pub verbose: bool,
}

impl RigOptions {
    /// `flam play`'s choice: the ALSA sound card, then JACK audio, unless `--audio` names one.
    pub fn for_play(audio: Option<AudioHost>) -> RigOptions {
        RigOptions {
            audio: match audio {
                Some(host) => vec![host],
                None => vec![AudioHost::Alsa, AudioHost::Jack],
            },
            audio_named: audio.is_some(),
            buffer: None,
            virtual_name: None,
            verbose: false,
        }
    }

    /// `flam live`'s choice: JACK audio when a server runs (it owns the sound card then),
    /// else the ALSA sound card.
    pub fn for_live() -> RigOptions {
        RigOptions {
            audio: vec![AudioHost::Jack, AudioHost::Alsa],
            ..RigOptions::for_play(None)
        }
    }

    /// Whether `target` plays through the synth: asked for, or the default when flam's own
    /// MIDI port was not asked for by name.
    pub fn wants_synth(&self, target: &Target) -> bool {
        match target {
            Target::Synth => true,
            Target::Default => self.virtual_name.is_none(),
            _ => false,
        }
    }
}

/// An output as it stands before opening: the synth's audio device already found (or why
/// not), or a MIDI output, which opens quickly.
pub struct Prepared {
    target: Target,
    device: Option<Result<AudioDevice, OutputError>>,
    /// What the user should hear about the choice (a fallback), said when it opens.
    notes: Vec<String>,
}

/// Finds the audio device for each output that plays the synth. Slow (the audio system is
/// asked), so `flam play` runs it while the song compiles.
pub fn prepare(targets: &[Target], options: &RigOptions) -> Vec<Prepared> {
    targets
        .iter()
        .map(|target| {
            let mut notes = Vec::new();
            let device = options
                .wants_synth(target)
                .then(|| probe(options, &mut notes));
            Prepared {
                target: target.clone(),
                device,
                notes,
            }
        })
        .collect()
}

/// The first audio system in the options' order that can play; when the user did not name
/// one and the first cannot, the fallback goes in `notes`. The first system's error is the
/// one reported when none can.
fn probe(options: &RigOptions, notes: &mut Vec<String>) -> Result<AudioDevice, OutputError> {
    let mut hosts = options.audio.iter();
    let first_host = hosts.next().copied().unwrap_or(AudioHost::Alsa);
    let first = AudioDevice::probe(first_host, options.verbose);
    let Err(why) = &first else {
        return first;
    };
    if options.audio_named {
        return first;
    }
    for &host in hosts {
        if let Ok(device) = AudioDevice::probe(host, options.verbose) {
            notes.push(format!(
                "the {first_host} audio device cannot play ({}); playing the synth through {host} instead",
                why.problem
            ));
            return Ok(device);
        }
    }
    first
}

impl Prepared {
    /// What the output was asked to be.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Opens the output. The synth takes its SoundFont from `font` (loaded once, on first
    /// need); its notes for the user (a `--buffer` the device could not take) go to `notes`.
    /// A default output whose synth cannot sound sends MIDI instead, and says so.
    pub fn open<E: From<OutputError>>(
        self,
        options: &RigOptions,
        font: &mut dyn FnMut() -> Result<Arc<SoundFont>, E>,
        notes: &mut Vec<String>,
    ) -> Result<Opened, E> {
        notes.extend(self.notes);
        let mut start = |device: AudioDevice| -> Result<Opened, E> {
            let font = font()?;
            let (opened, said) = output::start_synth(device, &font, options.buffer)?;
            notes.extend(said);
            Ok(opened)
        };
        match (&self.target, self.device) {
            (Target::Synth | Target::Default, Some(Ok(device))) => start(device),
            (Target::Synth, Some(Err(e))) => Err(e.into()),
            (Target::Default, Some(Err(audio))) => {
                let host = options.audio.first().copied().unwrap_or(AudioHost::Alsa);
                let why = audio
                    .problem
                    .strip_prefix("cannot play through the synth: ")
                    .unwrap_or(&audio.problem)
                    .to_string();
                let mut tried = vec![(format!("the synth on {host} audio"), why)];
                match output::open_default_midi(options.virtual_name.as_deref(), &mut tried) {
                    Some(opened) => {
                        notes.push(format!(
                            "no audio device for the synth ({}); sending MIDI instead",
                            audio.problem
                        ));
                        Ok(opened)
                    }
                    None => Err(output::nothing_works(&tried).into()),
                }
            }
            (other, _) => Ok(output::open(other, options.virtual_name.as_deref())?),
        }
    }
}

/// Opens the MIDI input `target` names, for a clock to follow (and, later, keys to play).
pub fn open_input(target: &InputTarget) -> Result<OpenedInput, OutputError> {
    output::open_input(target)
}
