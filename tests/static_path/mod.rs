//! Tests of `#[differentiable]`.
