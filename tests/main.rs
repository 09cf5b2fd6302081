//! One integration-test binary: the static path, the eager path, and the compile-fail
//! cases of the mode rules.

mod mode_rules;
mod static_path;
mod tape;
