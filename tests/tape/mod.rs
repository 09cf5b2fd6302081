//! Tests of the eager tape.
