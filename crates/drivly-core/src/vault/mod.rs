//! Owned by a work-in-progress change; see ARCHITECTURE.md.
