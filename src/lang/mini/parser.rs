//! A recursive-descent parser for Strudel's mini-notation.
//!
//! Random seeds are handed out exactly as Strudel's parser does: one counter per string, a `?`
//! takes the next seed where it is parsed, and a `|` or `.` group takes one after all of its
//! alternatives. That is what makes `hh*8?` drop the same hits as in Strudel.

use std::ops::Range;

use super::ast::{Base, Group, Op, Sequence, Step};
use super::lexer::{Tok, Token, lex};
use crate::lang::diagnostic::Diagnostic;
use crate::theory::time::{Time, parse_decimal};

/// How deep brackets may nest before the parser refuses, so no input can overflow the stack.
const MAX_DEPTH: usize = 64;
/// The most copies one `!` may make.
const MAX_REPLICATE: i64 = 1024;
/// The most steps the copies made by `!` may hold in one pattern. Copies of copies multiply,
/// so without a budget `[[a!1024]!1024]!1024` would build a billion steps before the compiler
/// could refuse it.
const MAX_COPIED_STEPS: usize = 1 << 16;
/// The most operators one step may carry. Each wraps the step's pattern once more and a query
/// recurses through every layer, so an endless chain such as `a????…` would overflow the stack.
const MAX_OPERATORS: usize = 16;

/// Parses a whole mini-notation string.
pub fn parse(src: &str) -> Result<Group, Diagnostic> {
    let tokens = lex(src)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        seed: 0,
        depth: 0,
        copied: 0,
        len: src.len(),
    };
    if parser.tokens.is_empty() {
        return Ok(Group::Seq(Sequence {
            steps: Vec::new(),
            marked: false,
            span: 0..0,
        }));
    }
    let group = parser.group()?;
    match parser.peek() {
        None => Ok(group),
        Some(t) => Err(parser.unexpected(t.clone(), "the end of the pattern")),
    }
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    seed: u32,
    depth: usize,
    /// How many steps the copies made by `!` hold so far.
    copied: usize,
    len: usize,
}

/// The error for nothing between two separators (or before the first): Strudel refuses it.
fn empty_part(sep: Option<Token>, separator: char, end: std::ops::Range<usize>) -> Diagnostic {
    let span = sep.map_or(end, |t| t.span);
    let (what, example) = match separator {
        '.' => ("a `.` foot", "`bd sn . hh hh hh`"),
        ',' => ("a `,` layer", "`[bd sn, hh hh hh]`"),
        _ => ("a `|` choice", "`[bd | sn | cp]`"),
    };
    Diagnostic::new(
        span,
        format!("{what} needs at least one step on each side"),
        "empty part",
    )
    .with_help(format!(
        "remove the extra separator, or put a rest `~` there, as in {example}"
    ))
}

fn closing_name(c: char) -> &'static str {
    match c {
        ']' => "`]`",
        '>' => "`>`",
        '}' => "`}`",
        ')' => "`)`",
        _ => "a closing bracket",
    }
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn end_span(&self) -> Range<usize> {
        self.len..self.len
    }

    fn next_seed(&mut self) -> u32 {
        let s = self.seed;
        self.seed += 1;
        s
    }

    fn unexpected(&self, token: Token, expected: &str) -> Diagnostic {
        let what = describe(&token.tok);
        let mut d = Diagnostic::new(
            token.span.clone(),
            format!("unexpected {what}, expected {expected}"),
            "unexpected",
        );
        if let Tok::Punct('%') = token.tok {
            d = d.with_help(
                "`%` sets the steps of a polymeter and only follows `{ }`, as in `{a b c}%4`",
            );
        } else if let Tok::Punct(c @ (']' | '>' | '}' | ')')) = token.tok {
            d = d.with_help(format!("this `{c}` has no matching opening bracket"));
        }
        d
    }

    /// Counts the steps that `copies` of `step` add, or refuses when `!` has made too many.
    fn count_copies(
        &mut self,
        step: &Step,
        copies: i64,
        at: &Range<usize>,
    ) -> Result<(), Diagnostic> {
        let extra = usize::try_from(copies - 1).unwrap_or(0);
        self.copied = self
            .copied
            .saturating_add(step_count(step).saturating_mul(extra));
        if self.copied > MAX_COPIED_STEPS {
            return Err(Diagnostic::new(
                at.clone(),
                format!("`!` would copy more than {MAX_COPIED_STEPS} steps in this pattern"),
                "too many copies",
            )
            .with_help("make fewer copies, or play a step faster with `*`"));
        }
        Ok(())
    }

    /// Goes one bracket deeper, or refuses when that is too deep.
    fn enter(&mut self, open: &Token) -> Result<(), Diagnostic> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Diagnostic::new(
                open.span.clone(),
                "brackets are nested too deeply",
                "too deep",
            )
            .with_help(format!("flam allows {MAX_DEPTH} levels of brackets")));
        }
        Ok(())
    }

    /// Sequences separated by one kind of separator: `,`, `|` or `.`; each holds at least one
    /// step, as in Strudel (`bd . . sn` and `a, , b` are refused).
    fn group(&mut self) -> Result<Group, Diagnostic> {
        let first = self.sequence()?;
        let separator = match self.peek() {
            Some(Token {
                tok: Tok::Punct(c @ (',' | '|')),
                ..
            }) => *c,
            Some(Token { tok: Tok::Dot, .. }) => '.',
            _ => return Ok(Group::Seq(first)),
        };
        if first.steps.is_empty() {
            return Err(empty_part(self.peek().cloned(), separator, self.end_span()));
        }
        let mut seqs = vec![first];
        loop {
            let is_sep = match self.peek() {
                Some(Token {
                    tok: Tok::Punct(c), ..
                }) if *c == ',' || *c == '|' => Some(*c),
                Some(Token { tok: Tok::Dot, .. }) => Some('.'),
                _ => None,
            };
            match is_sep {
                Some(c) if c == separator => {
                    let sep = self.next();
                    let seq = self.sequence()?;
                    if seq.steps.is_empty() {
                        return Err(empty_part(sep, separator, self.end_span()));
                    }
                    seqs.push(seq);
                }
                Some(c) => {
                    let token = self
                        .peek()
                        .cloned()
                        .map(|t| t.span)
                        .unwrap_or_else(|| self.end_span());
                    return Err(Diagnostic::new(
                        token,
                        format!("`{c}` cannot be mixed with `{separator}` in one group"),
                        "mixed separator",
                    )
                    .with_help("wrap one part in brackets, as in `[a, b] | c`"));
                }
                None => break,
            }
        }
        Ok(match separator {
            ',' => Group::Stack(seqs),
            '|' => Group::Choose(seqs, self.next_seed()),
            _ => {
                self.next_seed();
                Group::Dots(seqs)
            }
        })
    }

    /// Steps up to a separator or closing bracket.
    fn sequence(&mut self) -> Result<Sequence, Diagnostic> {
        let start = self.peek().map_or(self.len, |t| t.span.start);
        let mut steps: Vec<Step> = Vec::new();
        let mut marked = false;
        while let Some(token) = self.peek().cloned() {
            match &token.tok {
                Tok::Punct(']' | '>' | '}' | ')' | ',' | '|') | Tok::Dot => break,
                Tok::Elongate(amount) => {
                    self.next();
                    let extra = match amount {
                        None => Time::from_integer(1),
                        Some(text) => {
                            positive_number(text, &token.span, "`_`")? - Time::from_integer(1)
                        }
                    };
                    let prev = steps
                        .last_mut()
                        .ok_or_else(|| nothing_before(&token, "`_`"))?;
                    prev.weight += extra;
                    prev.span.end = token.span.end;
                }
                Tok::Punct('@') if token.spaced => {
                    self.next();
                    let extra = match self.attached_number() {
                        Some((text, span)) => {
                            positive_number(&text, &span, "`@`")? - Time::from_integer(1)
                        }
                        None => Time::from_integer(1),
                    };
                    let prev = steps
                        .last_mut()
                        .ok_or_else(|| nothing_before(&token, "`@`"))?;
                    prev.weight += extra;
                }
                Tok::Punct('!') if token.spaced => {
                    self.next();
                    let copies = self.replicate_count(&token)?;
                    let prev = steps
                        .last()
                        .cloned()
                        .ok_or_else(|| nothing_before(&token, "`!`"))?;
                    self.count_copies(&prev, copies, &token.span)?;
                    for _ in 0..copies - 1 {
                        steps.push(prev.clone());
                    }
                }
                Tok::Range => {
                    self.next();
                    let arg = self.slice()?;
                    let prev = steps
                        .last_mut()
                        .ok_or_else(|| nothing_before(&token, "`..`"))?;
                    prev.span.end = arg.span.end;
                    push_op(prev, Op::Range(arg), &token.span)?;
                }
                _ => {
                    let (step, copies, mark) = self.step()?;
                    self.count_copies(&step, copies, &step.span)?;
                    marked |= mark;
                    for _ in 0..copies {
                        steps.push(step.clone());
                    }
                }
            }
        }
        let end = steps.last().map_or(start, |s| s.span.end);
        Ok(Sequence {
            steps,
            marked,
            span: start..end,
        })
    }

    /// A number written right after an operator, with no space.
    fn attached_number(&mut self) -> Option<(String, Range<usize>)> {
        match self.peek() {
            Some(Token {
                tok: Tok::Word(w),
                span,
                spaced: false,
            }) => {
                let found = (w.clone(), span.clone());
                self.next();
                Some(found)
            }
            _ => None,
        }
    }

    fn replicate_count(&mut self, bang: &Token) -> Result<i64, Diagnostic> {
        match self.attached_number() {
            None => Ok(2),
            Some((text, span)) => match text.parse::<i64>() {
                Ok(n) if (1..=MAX_REPLICATE).contains(&n) => Ok(n),
                _ => Err(Diagnostic::new(
                    bang.span.start..span.end,
                    format!(
                        "`!` takes a whole number of copies from 1 to {MAX_REPLICATE}, got `{text}`"
                    ),
                    "bad repeat count",
                )
                .with_help("write `a!3` for three `a` in a row")),
            },
        }
    }

    /// A step with its operators; returns it, how many copies `!` asked for, and whether it
    /// carried `^`.
    fn step(&mut self) -> Result<(Step, i64, bool), Diagnostic> {
        let (mut step, marked) = self.slice_marked()?;
        let mut copies = 1;
        while let Some(token) = self.peek().cloned() {
            let Tok::Punct(c) = token.tok else { break };
            if token.spaced && matches!(c, '*' | '/' | '?' | ':' | '(' | '%') {
                return Err(Diagnostic::new(
                    token.span.clone(),
                    format!("`{c}` must follow its step directly"),
                    "space before operator",
                )
                .with_help(format!("remove the space before `{c}`")));
            }
            match c {
                '*' | '/' => {
                    self.next();
                    let arg = self.slice()?;
                    step.span.end = arg.span.end;
                    let op = if c == '*' {
                        Op::Fast(arg)
                    } else {
                        Op::Slow(arg)
                    };
                    push_op(&mut step, op, &token.span)?;
                }
                ':' => {
                    self.next();
                    let arg = self.slice()?;
                    step.span.end = arg.span.end;
                    push_op(&mut step, Op::Tail(arg), &token.span)?;
                }
                '?' => {
                    self.next();
                    let amount = match self.attached_number() {
                        None => None,
                        Some((text, span)) => match text.parse::<f64>() {
                            Ok(p) if (0.0..=1.0).contains(&p) && parse_decimal(&text).is_some() => {
                                Some(p)
                            }
                            _ => {
                                return Err(Diagnostic::new(
                                    token.span.start..span.end,
                                    format!("`?` takes a probability from 0 to 1, got `{text}`"),
                                    "bad probability",
                                )
                                .with_help("`hh?0.3` drops about 30% of the hits"));
                            }
                        },
                    };
                    let seed = self.next_seed();
                    step.span.end = self.tokens[self.pos - 1].span.end;
                    push_op(
                        &mut step,
                        Op::Degrade(amount, seed, token.span.clone()),
                        &token.span,
                    )?;
                }
                '@' if !token.spaced => {
                    self.next();
                    let (text, span) = self.attached_number().ok_or_else(|| {
                        Diagnostic::new(
                            token.span.clone(),
                            "`@` needs a weight right after it",
                            "missing weight",
                        )
                        .with_help("write `a@3` to make `a` three steps long")
                    })?;
                    step.weight = positive_number(&text, &span, "`@`")?;
                    step.span.end = span.end;
                }
                '!' if !token.spaced => {
                    self.next();
                    // Bangs add up, as in Strudel: `a!!` is three `a`, `a!3!` four.
                    copies += self.replicate_count(&token)? - 1;
                    if copies > MAX_REPLICATE {
                        return Err(Diagnostic::new(
                            step.span.start..self.tokens[self.pos - 1].span.end,
                            format!("`!` makes at most {MAX_REPLICATE} copies, got {copies}"),
                            "too many copies",
                        )
                        .with_help("write `a!3` for three `a` in a row"));
                    }
                    step.span.end = self.tokens[self.pos - 1].span.end;
                }
                '(' => {
                    self.next();
                    let args = self.euclid_args(&token)?;
                    step.span.end = self.tokens[self.pos - 1].span.end;
                    push_op(&mut step, args, &token.span)?;
                }
                '%' => {
                    self.next();
                    match &mut step.base {
                        Base::Polymeter(_, steps @ None) if step.ops.is_empty() => {
                            let arg = self.slice()?;
                            step.span.end = arg.span.end;
                            *steps = Some(Box::new(arg));
                        }
                        _ => return Err(self.unexpected(token, "a step or operator")),
                    }
                }
                _ => break,
            }
        }
        Ok((step, copies, marked))
    }

    fn euclid_args(&mut self, open: &Token) -> Result<Op, Diagnostic> {
        // Arguments are sequences that may hold rhythms of their own, `a(b(c(…`.
        self.enter(open)?;
        let mut args = Vec::new();
        loop {
            let seq = self.sequence()?;
            if seq.steps.is_empty() {
                let span = self
                    .peek()
                    .map_or_else(|| self.end_span(), |t| t.span.clone());
                return Err(Diagnostic::new(
                    span,
                    "a Euclidean rhythm needs numbers here",
                    "missing number",
                )
                .with_help("write `bd(3,8)` for 3 hits over 8 steps, or `bd(3,8,2)` to rotate"));
            }
            args.push(seq);
            match self.next() {
                Some(Token {
                    tok: Tok::Punct(','),
                    ..
                }) if args.len() < 3 => continue,
                Some(Token {
                    tok: Tok::Punct(')'),
                    ..
                }) if args.len() >= 2 => {
                    self.depth -= 1;
                    break;
                }
                Some(t) => {
                    let expected = if args.len() < 2 {
                        "`,`"
                    } else if args.len() < 3 {
                        "`,` or `)`"
                    } else {
                        "`)`"
                    };
                    return Err(self.unexpected(t, expected));
                }
                None => {
                    return Err(Diagnostic::new(
                        open.span.clone(),
                        "this `(` is never closed",
                        "unclosed",
                    )
                    .with_help("a Euclidean rhythm looks like `bd(3,8)`"));
                }
            }
        }
        let mut it = args.into_iter();
        let (Some(k), Some(n)) = (it.next(), it.next()) else {
            return Err(Diagnostic::new(
                open.span.clone(),
                "a Euclidean rhythm needs two numbers",
                "incomplete",
            ));
        };
        Ok(Op::Euclid(
            Box::new(k),
            Box::new(n),
            it.next().map(Box::new),
        ))
    }

    fn slice(&mut self) -> Result<Step, Diagnostic> {
        let (step, marked) = self.slice_marked()?;
        if marked {
            return Err(Diagnostic::new(
                step.span.clone(),
                "`^` cannot mark an operator's argument",
                "misplaced `^`",
            ));
        }
        Ok(step)
    }

    /// A step without operators: an atom, a rest or a bracketed group.
    fn slice_marked(&mut self) -> Result<(Step, bool), Diagnostic> {
        let token = match self.next() {
            Some(t) => t,
            None => {
                return Err(Diagnostic::new(
                    self.end_span(),
                    "the pattern ends where a step was expected",
                    "missing step",
                )
                .with_help("add a step, or remove the operator before it"));
            }
        };
        let one = Time::from_integer(1);
        let (base, marked) = match token.tok.clone() {
            Tok::Word(w) => match w.strip_prefix('^') {
                // `^[a b] c`: the mark belongs to the sequence, and the group is its step.
                Some("")
                    if self.peek().is_some_and(|t| {
                        !t.spaced && matches!(t.tok, Tok::Punct('[' | '<' | '{'))
                    }) =>
                {
                    let (step, _) = self.slice_marked()?;
                    return Ok((step, true));
                }
                Some("") => return Err(self.unexpected(token, "a step after `^`")),
                Some(rest) => (Base::Atom(rest.to_string()), true),
                None => (Base::Atom(w), false),
            },
            Tok::Rest => (Base::Rest, false),
            Tok::Punct(open @ ('[' | '<' | '{')) => {
                let close = match open {
                    '[' => ']',
                    '<' => '>',
                    _ => '}',
                };
                self.enter(&token)?;
                let group = self.group()?;
                self.depth -= 1;
                if matches!(&group, Group::Seq(seq) if seq.steps.is_empty()) {
                    let end = self.peek().map_or(token.span.end, |t| t.span.end);
                    return Err(Diagnostic::new(
                        token.span.start..end,
                        format!("`{open}{close}` holds no steps"),
                        "empty group",
                    )
                    .with_help("write `~` for a rest, or put steps inside"));
                }
                match self.next() {
                    Some(Token {
                        tok: Tok::Punct(c), ..
                    }) if c == close => {}
                    Some(t) => return Err(self.unexpected(t, closing_name(close))),
                    None => {
                        return Err(Diagnostic::new(
                            token.span.clone(),
                            format!("this `{open}` is never closed"),
                            "unclosed",
                        )
                        .with_help(format!(
                            "add {} at the end of the group",
                            closing_name(close)
                        )));
                    }
                }
                let group = Box::new(group);
                let base = match open {
                    '[' => Base::Sub(group),
                    '<' => Base::Alternate(group),
                    _ => Base::Polymeter(group, None),
                };
                (base, false)
            }
            _ => return Err(self.unexpected(token, "a step")),
        };
        let end = self.tokens[self.pos - 1].span.end;
        // A `^` is not part of the atom; leave it out of the span so errors point at the word.
        let start = token.span.start + usize::from(marked && matches!(base, Base::Atom(_)));
        Ok((
            Step {
                base,
                ops: Vec::new(),
                weight: one,
                span: start..end,
            },
            marked,
        ))
    }
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Word(w) => format!("`{w}`"),
        Tok::Rest => "rest".to_string(),
        Tok::Elongate(_) => "`_`".to_string(),
        Tok::Dot => "`.`".to_string(),
        Tok::Range => "`..`".to_string(),
        Tok::Punct(c) => format!("`{c}`"),
    }
}

fn nothing_before(token: &Token, what: &str) -> Diagnostic {
    Diagnostic::new(
        token.span.clone(),
        format!("{what} needs a step before it"),
        "nothing to stretch or repeat",
    )
    .with_help(format!(
        "put {what} after a step, as in `a {}`",
        what.trim_matches('`')
    ))
}

/// How many steps `step` holds, itself included: what one copy of it costs.
fn step_count(step: &Step) -> usize {
    let group = |g: &Group| -> usize {
        let seqs = match g {
            Group::Seq(s) => std::slice::from_ref(s),
            Group::Stack(s) | Group::Choose(s, _) | Group::Dots(s) => s.as_slice(),
        };
        seqs.iter().map(sequence_count).sum()
    };
    let base = match &step.base {
        Base::Atom(_) | Base::Rest => 0,
        Base::Sub(g) | Base::Alternate(g) => group(g),
        Base::Polymeter(g, per_cycle) => group(g) + per_cycle.as_deref().map_or(0, step_count),
    };
    let ops: usize = step
        .ops
        .iter()
        .map(|op| match op {
            Op::Fast(a) | Op::Slow(a) | Op::Tail(a) | Op::Range(a) => step_count(a),
            Op::Euclid(k, n, r) => {
                sequence_count(k) + sequence_count(n) + r.as_deref().map_or(0, sequence_count)
            }
            Op::Degrade(..) => 0,
        })
        .sum();
    1 + base + ops
}

fn sequence_count(seq: &Sequence) -> usize {
    seq.steps.iter().map(step_count).sum()
}

/// Adds an operator to a step, or refuses a chain longer than [`MAX_OPERATORS`].
fn push_op(step: &mut Step, op: Op, at: &Range<usize>) -> Result<(), Diagnostic> {
    if step.ops.len() >= MAX_OPERATORS {
        return Err(Diagnostic::new(
            at.clone(),
            format!("one step may carry at most {MAX_OPERATORS} operators"),
            "too many operators",
        )
        .with_help("group the step in brackets and put some operators after them"));
    }
    step.ops.push(op);
    Ok(())
}

fn positive_number(text: &str, span: &Range<usize>, what: &str) -> Result<Time, Diagnostic> {
    match parse_decimal(text) {
        Some(t) if t > Time::from_integer(0) && t <= Time::from_integer(1 << 16) => Ok(t),
        _ => Err(Diagnostic::new(
            span.clone(),
            format!("{what} takes a number greater than 0 and at most 65536, got `{text}`"),
            "bad weight",
        )
        .with_help("weights are plain decimals such as `2` or `1.5`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_chain_of_operators_is_refused_rather_than_overflowing_the_stack() {
        let sixteen = format!("a{}", "?".repeat(MAX_OPERATORS));
        assert!(parse(&sixteen).is_ok());
        for op in ["?", ":b", "*2", "(3,8)", " .. 1"] {
            let src = format!("a{}", op.repeat(10_000));
            let err = parse(&src).unwrap_err();
            assert!(
                err.message.contains("at most 16 operators"),
                "{op}: {err:?}"
            );
        }
    }

    #[test]
    fn copies_of_copies_are_refused_before_they_multiply_out() {
        assert!(parse("[[a b]!1024 c]!16").is_ok());
        for src in [
            "[[a!1024]!1024]!1024",
            "[[~ !1024] !1024] !1024",
            "a!1024 ".repeat(65).as_str(),
        ] {
            let err = parse(src).unwrap_err();
            assert!(
                err.message.contains("would copy more than"),
                "{src}: {err:?}"
            );
        }
    }

    #[test]
    fn rhythms_nested_in_rhythm_arguments_count_as_nested_brackets() {
        assert!(parse("a(b(3,8),8)").is_ok());
        let err = parse(&"a(".repeat(10_000)).unwrap_err();
        assert_eq!(err.message, "brackets are nested too deeply");
    }
}
