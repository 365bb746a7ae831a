//! How playing ended.

use crate::engine::outcome::Outcome;

/// What each sender and the planner reported when playing stopped.
#[derive(Clone, Debug, PartialEq)]
pub struct Ending {
    /// One outcome per output, in the order they were given.
    pub outcomes: Vec<Outcome>,
    /// The planner's panic message, if it panicked.
    pub planner_panic: Option<String>,
}
