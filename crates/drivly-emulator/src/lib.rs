//! The Drivly-compatible emulator (work in progress).
