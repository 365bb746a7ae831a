//! The master bus of a render split into stems: the stems summed in a fixed order, then one
//! chorus and one reverb on the sum of their sends, as a single synthesizer would apply them.

use rustysynth::Effects;

use super::stem::Stem;

/// The shared reverb and chorus. Both are linear (delay lines and filters with fixed
/// gains), so one set on the summed sends sounds as one synthesizer's set on all the voices;
/// running it once also costs what one synthesizer's does, however many stems there are.
#[derive(Debug)]
pub struct EffectsBus {
    effects: Option<Effects>,
    block: usize,
    master_volume: f32,
}

impl EffectsBus {
    /// A bus for blocks of `block` samples at `sample_rate`, with effects when `effects` is
    /// on, scaling them by `master_volume` as a synthesizer does.
    pub fn new(sample_rate: u32, block: usize, effects: bool, master_volume: f32) -> EffectsBus {
        EffectsBus {
            effects: effects.then(|| Effects::for_blocks(sample_rate as i32, block)),
            block: block.max(1),
            master_volume,
        }
    }

    /// Sums `stems` (each as long as `mix`) into `mix`: the first copied, the others added in
    /// the order given, so the sum never depends on which stem was rendered first.
    pub fn sum(stems: &[Stem], mix: &mut Stem) {
        match stems.split_first() {
            Some((first, rest)) => {
                mix.copy_from(first);
                for stem in rest {
                    mix.add(stem);
                }
            }
            None => *mix = Stem::new(mix.len(), mix.has_sends()),
        }
    }

    /// Adds the effects of `mix`'s sends to its dry channels, block by block. `mix` must be
    /// a whole number of blocks long and follow the previous one without a gap.
    pub fn apply(&mut self, mix: &mut Stem) {
        let Some(effects) = self.effects.as_mut() else {
            return;
        };
        if !mix.has_sends() {
            return;
        }
        let block = self.block;
        let Stem {
            left,
            right,
            sends: [chorus_left, chorus_right, reverb],
        } = mix;
        let whole = left.len() / block * block;
        for start in (0..whole).step_by(block) {
            let at = start..start + block;
            effects.process(
                self.master_volume,
                [
                    &chorus_left[at.clone()],
                    &chorus_right[at.clone()],
                    &reverb[at.clone()],
                ],
                &mut left[at.clone()],
                &mut right[at],
            );
        }
    }
}
