//! Tests of `#[differentiable]`.

mod smoke;
