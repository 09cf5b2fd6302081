//! The mode rules as compile errors: every case in `tests/ui/` must fail to compile with
//! exactly the diagnostics recorded beside it.

#[test]
fn mode_rules_are_compile_errors() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
