//! Tests of `#[differentiable]`.

// Index loops are what these tests differentiate.
#![allow(clippy::needless_range_loop)]

mod against_tape;
#[macro_use]
mod cases;
mod chains;
mod constant_data;
mod control_flow;
mod functions;
mod gmm;
mod gmm_reference;
mod held_buffers;
mod idioms;
mod in_place;
mod kept_buffers;
mod kept_patterns;
mod loops;
mod matrix_rules;
mod nalgebra_containers;
mod nalgebra_models;
mod nalgebra_values;
mod oracle;
mod pullbacks;
mod recompute;
mod recompute_edges;
mod rules;
mod shadowed;
mod slices_edges;
mod smoke;
mod split;
mod split_edges;
mod split_more;
mod summing;
mod tuple_results;
mod vec_results;
mod views;
mod views_edges;
