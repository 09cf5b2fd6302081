//! Tests of `#[differentiable]`.

mod chains;
mod control_flow;
mod functions;
mod gmm;
mod gmm_reference;
mod loops;
mod oracle;
mod rules;
mod smoke;
