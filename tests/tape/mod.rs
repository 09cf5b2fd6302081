//! Tests of the eager tape.

mod common;
mod custom;
mod higher;
mod modes;
mod scalar_ops;
mod tensor_ops;
