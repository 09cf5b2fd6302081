//! Tests of `#[differentiable]`.

mod smoke;
mod oracle;
mod rules;
mod functions;
mod control_flow;
mod gmm_reference;
