//! The shape of a parsed mini-notation string, before it becomes a pattern.

use std::ops::Range;

use crate::theory::time::Time;

/// Steps one after another in a cycle.
#[derive(Clone, Debug, PartialEq)]
pub struct Sequence {
    /// The steps, with `!` replications already spelled out.
    pub steps: Vec<Step>,
    /// Whether a step carried `^`, making this sequence set the step count of its parent.
    pub marked: bool,
    /// Where the sequence is in the source.
    pub span: Range<usize>,
}

/// One step with its operators and its weight (`@`, `_`).
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// What the step plays.
    pub base: Base,
    /// Operators in the order written.
    pub ops: Vec<Op>,
    /// Its share of the sequence.
    pub weight: Time,
    /// Where it is in the source.
    pub span: Range<usize>,
}

/// The core of a step.
#[derive(Clone, Debug, PartialEq)]
pub enum Base {
    /// A word or number.
    Atom(String),
    /// `~` or `-`.
    Rest,
    /// `[ ... ]`: a sub-sequence in the step's time.
    Sub(Box<Group>),
    /// `< ... >`: one step per cycle.
    Alternate(Box<Group>),
    /// `{ ... }` with an optional `%` steps-per-cycle.
    Polymeter(Box<Group>, Option<Box<Step>>),
}

/// What sequences separated by `,`, `|` or `.` mean.
#[derive(Clone, Debug, PartialEq)]
pub enum Group {
    /// One sequence.
    Seq(Sequence),
    /// `a, b`: all at once.
    Stack(Vec<Sequence>),
    /// `a | b`: one at random each cycle, with its seed.
    Choose(Vec<Sequence>, u32),
    /// `a . b c`: equal groups one after another.
    Dots(Vec<Sequence>),
}

/// An operator attached to a step.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// `*x`: faster.
    Fast(Step),
    /// `/x`: slower.
    Slow(Step),
    /// `?` or `?p`: drop events at random, with its seed.
    Degrade(Option<f64>, u32, Range<usize>),
    /// `:x`: append a value.
    Tail(Step),
    /// `.. x`: count from this number to x.
    Range(Step),
    /// `(k,n)` or `(k,n,r)`: a Euclidean rhythm.
    Euclid(Box<Sequence>, Box<Sequence>, Option<Box<Sequence>>),
}
