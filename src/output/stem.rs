//! A stem: what one group of channels plays over a stretch of samples, before the shared
//! reverb and chorus. Stems are summed into the master mix.

/// One channel group's output for a stretch: the dry stereo mix of its voices (master volume
/// applied) and, when effects are on, what those voices send to the chorus and the reverb.
#[derive(Debug, Clone, PartialEq)]
pub struct Stem {
    /// The dry left channel.
    pub left: Vec<f32>,
    /// The dry right channel.
    pub right: Vec<f32>,
    /// The sends to the chorus (left, right) and to the reverb (mono); empty without effects.
    pub sends: [Vec<f32>; 3],
}

impl Stem {
    /// A silent stem of `len` samples, with sends when `effects` is on.
    pub fn new(len: usize, effects: bool) -> Stem {
        let sends = if effects { len } else { 0 };
        Stem {
            left: vec![0.0; len],
            right: vec![0.0; len],
            sends: [vec![0.0; sends], vec![0.0; sends], vec![0.0; sends]],
        }
    }

    /// Samples in the stem.
    pub fn len(&self) -> usize {
        self.left.len()
    }

    /// Whether the stem holds no samples.
    pub fn is_empty(&self) -> bool {
        self.left.is_empty()
    }

    /// Whether the stem carries sends to the effects.
    pub fn has_sends(&self) -> bool {
        !self.sends[0].is_empty()
    }

    /// Makes this stem a copy of `other` (the same length), reusing its buffers.
    pub fn copy_from(&mut self, other: &Stem) {
        self.left.copy_from_slice(&other.left);
        self.right.copy_from_slice(&other.right);
        for (mine, theirs) in self.sends.iter_mut().zip(&other.sends) {
            mine.copy_from_slice(theirs);
        }
    }

    /// Adds `other` (the same length) sample by sample.
    pub fn add(&mut self, other: &Stem) {
        let add = |mine: &mut [f32], theirs: &[f32]| {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a += *b;
            }
        };
        add(&mut self.left, &other.left);
        add(&mut self.right, &other.right);
        for (mine, theirs) in self.sends.iter_mut().zip(&other.sends) {
            add(mine, theirs);
        }
    }
}
