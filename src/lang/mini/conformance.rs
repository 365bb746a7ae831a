//! The conformance format: the events of one query per cycle as JSON, exactly as the Strudel
//! reference data writes them, so flam can be checked against Strudel from outside.

use serde_json::{Value as Json, json};

use super::Compiled;
use crate::pattern::{Hap, Span, Value};
use crate::theory::time::Time;

/// A time as the reference data writes it: a reduced fraction `"n/d"`.
pub fn fraction(t: Time) -> String {
    format!("{}/{}", t.numer(), t.denom())
}

fn span_json(s: &Span) -> Json {
    json!([fraction(s.begin), fraction(s.end)])
}

/// The events of one query per cycle for cycles `from..to`, sorted as the reference data is.
pub fn events_json(compiled: &Compiled, from: i64, to: i64) -> Vec<Json> {
    let mut haps: Vec<Hap<Value>> = Vec::new();
    for c in from..to {
        compiled.pattern.query_into(
            Span::new(Time::from_integer(c), Time::from_integer(c + 1)),
            &mut haps,
        );
    }
    let mut keyed: Vec<(Hap<Value>, String)> = haps
        .into_iter()
        .map(|h| {
            let v = h.value.to_json().to_string();
            (h, v)
        })
        .collect();
    keyed.sort_by(|(a, av), (b, bv)| {
        let whole = |h: &Hap<Value>| h.whole.map(|w| (w.begin, w.end));
        (a.part.begin, a.part.end, whole(a), av).cmp(&(b.part.begin, b.part.end, whole(b), bv))
    });
    keyed
        .into_iter()
        .map(|(h, _)| {
            json!({
                "whole": h.whole.as_ref().map(span_json).unwrap_or(Json::Null),
                "part": span_json(&h.part),
                "onset": h.has_onset(),
                "value": h.value.to_json(),
            })
        })
        .collect()
}

/// One conformance line for `pattern`: its events over `from..to`, or the error that rejects it.
pub fn line(pattern: &str, from: i64, to: i64) -> Json {
    match super::parse(pattern) {
        Ok(compiled) => {
            let steps = compiled.steps.map(fraction);
            json!({
                "pattern": pattern,
                "ok": true,
                "steps": steps,
                "events": events_json(&compiled, from, to),
            })
        }
        Err(d) => json!({ "pattern": pattern, "ok": false, "error": d.message }),
    }
}
