//! The pattern model: patterns answer "which events fall in this span?", in exact time.

pub mod arp;
pub mod euclid;
pub mod hap;
pub mod humanize;
pub mod join;
pub mod note;
// The type is the module's namesake concept, so it lives in the file named after it.
#[allow(clippy::module_inception)]
pub mod pattern;
pub mod random;
pub mod span;
pub mod transform;
pub mod value;

pub use hap::Hap;
pub use note::Note;
pub use pattern::Pattern;
pub use span::Span;
pub use value::Value;
