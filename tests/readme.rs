//! Nothing but the README's Rust blocks, compiled as doctests so the usage
//! it shows keeps building.

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct Readme;
