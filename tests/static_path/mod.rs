//! Tests of `#[differentiable]`.

mod smoke;
mod oracle;
mod rules;
mod functions;
