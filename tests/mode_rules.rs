//! The mode rules as compile errors: every case in `tests/ui/` must fail to compile with
//! exactly the diagnostics recorded beside it.

#[test]
fn static_path_mode_rules() {
    trybuild::TestCases::new().compile_fail("tests/ui/static-*.rs");
}

#[test]
fn tape_mode_rules() {
    trybuild::TestCases::new().compile_fail("tests/ui/tape-*.rs");
}
