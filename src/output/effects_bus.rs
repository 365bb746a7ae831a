//! The master bus of a render split into stems: the stems summed in a fixed order, then one
//! chorus and one reverb on the sum of their sends, as a single synthesizer would apply them.

use rustysynth::Effects;

use super::stem::Stem;

/// Sums stems and adds the shared effects. Reverb and chorus are linear (delay lines and
/// filters with fixed gains), so one set on the summed sends sounds as one synthesizer's
/// set on all the voices; running it once also costs what one synthesizer's does,
/// however many stems there are.
#[derive(Debug)]
pub struct EffectsBus {
    effects: Option<Effects>,
    block: usize,
    master_volume: f32,
    mix: Stem,
}

impl EffectsBus {
    /// A bus for stems of `len` samples (a whole number of `block`s) at `sample_rate`, with
    /// effects when `effects` is on, scaling them by `master_volume` as a synthesizer does.
    pub fn new(
        sample_rate: u32,
        block: usize,
        len: usize,
        effects: bool,
        master_volume: f32,
    ) -> EffectsBus {
        EffectsBus {
            effects: effects.then(|| Effects::for_blocks(sample_rate as i32, block)),
            block: block.max(1),
            master_volume,
            mix: Stem::new(len, effects),
        }
    }

    /// Mixes `stems` (each as long as the bus's) into `left` and `right`: the first stem
    /// copied, the others added in the order given, so the result never depends on which
    /// stem was rendered first; then the effects of the summed sends, block by block.
    pub fn mix(&mut self, stems: &[Stem], left: &mut [f32], right: &mut [f32]) {
        match stems.split_first() {
            Some((first, rest)) => {
                self.mix.copy_from(first);
                for stem in rest {
                    self.mix.add(stem);
                }
            }
            None => {
                let len = self.mix.len();
                self.mix = Stem::new(len, self.effects.is_some());
            }
        }
        if let Some(effects) = self.effects.as_mut() {
            let block = self.block;
            let Stem {
                left: dry_left,
                right: dry_right,
                sends: [chorus_left, chorus_right, reverb],
            } = &mut self.mix;
            for start in (0..dry_left.len()).step_by(block) {
                let at = start..(start + block).min(dry_left.len());
                effects.process(
                    self.master_volume,
                    [
                        &chorus_left[at.clone()],
                        &chorus_right[at.clone()],
                        &reverb[at.clone()],
                    ],
                    &mut dry_left[at.clone()],
                    &mut dry_right[at],
                );
            }
        }
        let n = left.len().min(right.len()).min(self.mix.len());
        left[..n].copy_from_slice(&self.mix.left[..n]);
        right[..n].copy_from_slice(&self.mix.right[..n]);
    }
}
