//! A Dockerfile parser that accepts everything BuildKit's frontend accepts and
//! never gives up: a bad line becomes a [`ParseError`] at its exact place and the
//! rest of the file is still parsed.
//!
//! Every instruction, flag, argument and heredoc body carries its byte span in the
//! original text ([`Span`]). Line continuations are joined into a [`LogicalLine`]
//! that maps every byte back to the file, so spans stay exact across `\`-newlines,
//! skipped comment lines and empty lines.
//!
//! The behaviour follows `moby/buildkit/frontend/dockerfile/parser` (directives,
//! continuations, heredocs, JSON vs shell form, flag extraction, word splitting);
//! [`model`] adds stages and variable resolution as BuildKit's dispatcher does it.

mod args;
mod ast;
pub mod expand;
mod json;
mod logical;
pub mod model;
mod parser;
mod words;

pub use ast::*;
pub use logical::LogicalLine;
pub use parser::parse;

pub use hullguard_diagnostics::Span;
