//! Feishu / Lark documentation pages → endpoint specs → Rust client.
//!
//! The pipeline has three stages, each in its own module tree:
//! - [`page`]: a documentation page (Markdown with the docs' quirks) → a
//!   small document model of headings, tables, lists and code blocks;
//! - [`read`]: that document model → one [`spec::Spec`] per endpoint page;
//! - [`spec`]: the reviewed intermediate representation, written as YAML;
//! - [`emit`]: specs → the generated crate.
//!
//! [`diag`] carries every problem found on the way as a diagnostic that
//! names the page and line; nothing is dropped silently.

pub mod cache;
pub mod diag;
pub mod diff;
pub mod emit;
pub mod generate;
pub mod lint;
pub mod merge;
pub mod mojibake;
pub mod page;
pub mod parallel;
pub mod progress;
pub mod read;
pub mod spec;
mod text;
