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

/// What an atom stands for in the values a pattern plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AtomRole {
    /// A value of its own: a drum, a note, a number.
    Head,
    /// Appended with `:`, as the `maj7` of `c4:maj7`.
    Tail,
}

/// An atom that ends up in the played values, with where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Atom {
    /// Its text.
    pub text: String,
    /// Its byte span in the mini-notation string.
    pub span: Range<usize>,
    /// Whether it stands alone or follows a `:`.
    pub role: AtomRole,
}

impl Group {
    /// Every atom whose text becomes part of a played value (operator arguments such as the
    /// `2` of `*2` are left out: the compiler already checks those are numbers).
    pub fn value_atoms(&self) -> Vec<Atom> {
        let mut out = Vec::new();
        self.collect_value_atoms(AtomRole::Head, &mut out);
        out
    }

    fn sequences(&self) -> Vec<&Sequence> {
        match self {
            Group::Seq(s) => vec![s],
            Group::Stack(s) | Group::Choose(s, _) | Group::Dots(s) => s.iter().collect(),
        }
    }

    fn collect_value_atoms(&self, role: AtomRole, out: &mut Vec<Atom>) {
        for seq in self.sequences() {
            for step in &seq.steps {
                step.collect_value_atoms(role, out);
            }
        }
    }
}

impl Step {
    fn collect_value_atoms(&self, role: AtomRole, out: &mut Vec<Atom>) {
        match &self.base {
            Base::Atom(text) => out.push(Atom {
                text: text.clone(),
                span: self.atom_span(text),
                role,
            }),
            Base::Rest => {}
            Base::Sub(g) | Base::Alternate(g) | Base::Polymeter(g, _) => {
                g.collect_value_atoms(role, out)
            }
        }
        for op in &self.ops {
            match op {
                Op::Tail(arg) => arg.collect_value_atoms(AtomRole::Tail, out),
                Op::Range(arg) => arg.collect_value_atoms(role, out),
                _ => {}
            }
        }
    }

    /// The span of the atom itself: an atom step starts with its text.
    fn atom_span(&self, text: &str) -> Range<usize> {
        self.span.start..self.span.start + text.len()
    }
}
