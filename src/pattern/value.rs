//! The value of a mini-notation atom: a word, a number, or a list built with `:`.

use std::sync::Arc;

use crate::theory::time::{Time, parse_decimal};

/// What one step of a mini-notation pattern holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A word such as `bd`, `c#3` or `3h`.
    Word(Arc<str>),
    /// A number; `exact` keeps decimals such as `0.1` exact for use as time.
    Num {
        /// The number as a float, as Strudel sees it.
        float: f64,
        /// The same number as an exact fraction, when it was written as a plain decimal.
        exact: Option<Time>,
    },
    /// Values joined with `:`, as in `bd:3`.
    List(Arc<[Value]>),
}

impl Value {
    /// Reads an atom's text the way Strudel does: anything JavaScript's `Number()` accepts as a
    /// plain decimal is a number, everything else stays a word.
    pub fn from_atom(text: &str) -> Value {
        if let Some(exact) = parse_decimal(text) {
            let float = text
                .parse::<f64>()
                .unwrap_or_else(|_| crate::theory::time::to_f64(exact));
            return Value::Num {
                float,
                exact: Some(exact),
            };
        }
        if looks_like_js_number(text)
            && let Ok(float) = text.parse::<f64>()
        {
            return Value::Num { float, exact: None };
        }
        Value::Word(Arc::from(text))
    }

    /// A number from a float computed at run time (for example by a range).
    pub fn number(float: f64) -> Value {
        let exact = if float.fract() == 0.0 && float.abs() < 1e15 {
            Some(Time::from_integer(float as i64))
        } else {
            None
        };
        Value::Num { float, exact }
    }

    /// The value as a float, if it is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Num { float, .. } => Some(*float),
            _ => None,
        }
    }

    /// The value as exact time, if it is a number written exactly.
    pub fn as_time(&self) -> Option<Time> {
        match self {
            Value::Num { exact, .. } => *exact,
            _ => None,
        }
    }

    /// Appends `other` to make a `:` list.
    pub fn tail(&self, other: &Value) -> Value {
        let mut items: Vec<Value> = match self {
            Value::List(items) => items.to_vec(),
            v => vec![v.clone()],
        };
        items.push(other.clone());
        Value::List(items.into())
    }

    /// The value in the conformance JSON form: numbers as numbers, words as strings, lists as
    /// arrays.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Word(w) => serde_json::Value::String(w.to_string()),
            Value::Num { float, .. } => {
                if float.fract() == 0.0 && float.abs() < 9.0e15 {
                    serde_json::Value::from(*float as i64)
                } else {
                    serde_json::Number::from_f64(*float)
                        .map(serde_json::Value::Number)
                        .unwrap_or(serde_json::Value::Null)
                }
            }
            Value::List(items) => {
                serde_json::Value::Array(items.iter().map(Value::to_json).collect())
            }
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Word(w) => f.write_str(w),
            Value::Num { float, .. } => write!(f, "{float}"),
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(":")?;
                    }
                    write!(f, "{item}")?;
                }
                Ok(())
            }
        }
    }
}

/// Numbers that JavaScript's `Number()` reads but flam's exact decimals do not: with an
/// exponent (`1e3`), or with more digits than an exact fraction keeps (`0.1234567891`).
fn looks_like_js_number(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['-', '+']).unwrap_or(e))),
        None => (body, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mantissa_ok =
        digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty());
    let exponent_ok = exponent.is_none_or(|e| !e.is_empty() && digits(e));
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_too_long_for_an_exact_fraction_are_still_numbers_as_in_javascript() {
        assert_eq!(
            Value::from_atom("0.1234567891").to_json(),
            serde_json::json!(0.1234567891)
        );
        assert_eq!(
            Value::from_atom("1234567890123").as_f64(),
            Some(1_234_567_890_123.0)
        );
        // A point with digits on one side only, as JavaScript allows.
        assert_eq!(
            Value::from_atom(".12345678912").as_f64(),
            Some(0.12345678912)
        );
        assert_eq!(
            Value::from_atom("1234567890123.").as_f64(),
            Some(1_234_567_890_123.0)
        );
        assert_eq!(Value::from_atom("1e").to_json(), serde_json::json!("1e"));
        assert_eq!(Value::from_atom(".").to_json(), serde_json::json!("."));
        assert_eq!(
            Value::from_atom("1.2.3").to_json(),
            serde_json::json!("1.2.3")
        );
    }

    #[test]
    fn atoms_read_as_numbers_like_javascript() {
        assert_eq!(Value::from_atom("3").to_json(), serde_json::json!(3));
        assert_eq!(Value::from_atom(".25").to_json(), serde_json::json!(0.25));
        assert_eq!(Value::from_atom("-0.5").to_json(), serde_json::json!(-0.5));
        assert_eq!(Value::from_atom("3h").to_json(), serde_json::json!("3h"));
        assert_eq!(
            Value::from_atom("0..3").to_json(),
            serde_json::json!("0..3")
        );
        assert_eq!(Value::from_atom("--").to_json(), serde_json::json!("--"));
        assert_eq!(Value::from_atom("1e3").to_json(), serde_json::json!(1000));
    }

    #[test]
    fn words_that_rust_but_not_javascript_reads_as_floats_stay_words() {
        // Rust's float parser takes "inf", "nan" and "infinity"; JavaScript's Number() gives
        // NaN for them, so in a pattern they are names, not numbers.
        for word in ["inf", "nan", "infinity", "-inf"] {
            assert_eq!(
                Value::from_atom(word),
                Value::Word(Arc::from(word)),
                "{word}"
            );
        }
    }

    #[test]
    fn a_list_prints_with_colons_as_written() {
        let bd3 = Value::from_atom("bd").tail(&Value::from_atom("3"));
        assert_eq!(bd3.to_string(), "bd:3");
        assert_eq!(bd3.tail(&Value::from_atom("0.5")).to_string(), "bd:3:0.5");
        assert_eq!(Value::from_atom("sd").to_string(), "sd");
    }

    #[test]
    fn a_computed_number_is_exact_time_only_when_it_is_whole() {
        // A range's numbers can serve as step counts or factors only when whole; a fraction
        // computed in floats stays a float.
        assert_eq!(Value::number(3.0).as_time(), Some(Time::from_integer(3)));
        assert_eq!(Value::number(-2.0).as_time(), Some(Time::from_integer(-2)));
        assert_eq!(Value::number(0.5).as_time(), None);
        assert_eq!(Value::number(2.25).as_time(), None);
        assert_eq!(Value::number(0.5).as_f64(), Some(0.5));
        // From 10^15 up a float is not taken as exact, well inside the 2^53 where floats
        // stop holding every whole number.
        assert_eq!(Value::number(1e15).as_time(), None);
        assert_eq!(Value::number(f64::INFINITY).as_time(), None);
    }
}
