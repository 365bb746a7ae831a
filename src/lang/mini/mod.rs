//! Mini-notation, exactly as Strudel reads it: `"bd*2 [sn cp] <hh oh>"`.

pub mod ast;
pub mod compile;
pub mod conformance;
pub mod lexer;
pub mod parser;

pub use compile::Compiled;

use crate::lang::diagnostic::Diagnostic;

/// Parses and compiles one mini-notation string.
pub fn parse(src: &str) -> Result<Compiled, Diagnostic> {
    compile::compile(&parser::parse(src)?)
}
