//! Profile store; see ARCHITECTURE.md.
