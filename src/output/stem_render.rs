//! One channel group's synthesizer in a split render: it plays the group's messages and
//! renders its stem a stretch at a time.

use std::sync::Arc;

use rustysynth::SoundFont;

use super::render_groups::ChannelGroup;
use super::stem::Stem;
use super::synth::{Synth, SynthError, SynthOptions};

/// A channel group's synthesizer with the messages it has still to play. It can move
/// between threads from one stretch to the next; its output depends only on its messages.
#[derive(Debug)]
pub struct StemRender {
    synth: Synth,
    timed: Vec<(u64, crate::engine::message::Message)>,
    next: usize,
    notes: usize,
}

impl StemRender {
    /// A synthesizer for `group` playing `font`, its setup messages already sent.
    pub fn new(
        font: &Arc<SoundFont>,
        options: &SynthOptions,
        group: ChannelGroup,
    ) -> Result<StemRender, SynthError> {
        let mut synth = Synth::for_stems(font, options)?;
        for message in group.setup {
            synth.send(message);
        }
        Ok(StemRender {
            synth,
            timed: group.timed,
            next: 0,
            notes: group.notes,
        })
    }

    /// Renders the next `stem.len()` samples into `stem`.
    pub fn render(&mut self, stem: &mut Stem) {
        let end = self.synth.position() + stem.len() as u64;
        // Queue what falls before this stretch's end, plus a block, so each note is queued
        // before its block renders.
        let horizon = end + self.synth.block() as u64;
        while let Some(&(at, message)) = self.timed.get(self.next) {
            if at >= horizon || self.synth.schedule(at, message).is_err() {
                break;
            }
            self.next += 1;
        }
        self.synth.render_stem(stem);
    }

    /// How many notes the group plays.
    pub fn notes(&self) -> usize {
        self.notes
    }

    /// The master volume the synthesizer scales its voices by.
    pub fn master_volume(&self) -> f32 {
        self.synth.master_volume()
    }

    /// Voices stolen so far because all were busy.
    pub fn stolen_voices(&self) -> u64 {
        self.synth.stolen_voices()
    }
}
