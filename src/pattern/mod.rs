//! The pattern model: patterns answer "which events fall in this span?", in exact time.

pub mod arp;
pub mod arp_indices;
pub mod arrangement;
pub mod chance;
pub mod cycles;
pub mod euclid;
pub mod hap;
pub mod humanize;
pub mod join;
pub mod layering;
pub mod memo;
pub mod note;
// The type is the module's namesake concept, so it lives in the file named after it.
#[allow(clippy::module_inception)]
pub mod pattern;
pub mod period;
pub mod random;
pub mod rudiment;
pub mod rudiment_pattern;
pub mod rudiment_steps;
pub mod rudiments_table;
pub mod scale_degrees;
pub mod scratch;
pub mod signal;
pub mod span;
pub mod stroke;
pub mod tone;
pub mod transform;
pub mod value;

pub use hap::Hap;
pub use note::Note;
pub use pattern::Pattern;
pub use rudiment::{
    Rudiment, find_rudiment, find_rudiment_step, rudiment_by_number, rudiments, sticking,
};
pub use rudiment_pattern::{RudimentSettings, rudiment_pattern};
pub use span::Span;
pub use tone::Tone;
pub use value::Value;
