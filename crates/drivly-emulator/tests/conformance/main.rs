//! Conformance tests: every endpoint and fault mode of the emulator, over real HTTP on
//! 127.0.0.1. One test binary with modules keeps link time down.

mod admin;
mod binary;
mod browser;
mod common;
mod concurrency;
mod dashboard;
mod dialects;
mod host;
mod mint;
mod resources;
mod sessions;
mod state_file;
