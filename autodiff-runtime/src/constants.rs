//! Parameters `#[differentiable]` treats as constants, checked by type. The macro sees types
//! only as written: a parameter whose type is an alias of a float (`x: Real`) or a container it
//! does not follow (`&[[f64; 2]]`, `(f64, f64)`) would silently get no gradient. The
//! generated code asks [`Probe::kind`] of each such parameter; for a type that holds floats
//! the answer is [`HoldsFloats`], which [`constant_parameter`] rejects at compile time.

use nalgebra::{Dim, Matrix, OPoint};

/// A parameter's value, asked what it holds (inherent methods for float-holding types win
/// over [`ConstantFallback`], which answers for every other type).
pub struct Probe<'a, T: ?Sized>(pub &'a T);

/// What a parameter of no float type is: a constant.
pub struct Constant;

/// What a parameter whose type holds floats is.
pub struct HoldsFloats;

/// The answer for a type that holds no floats.
pub trait ConstantFallback {
    /// [`Constant`].
    fn kind(&self) -> Constant {
        Constant
    }
}

impl<T: ?Sized> ConstantFallback for Probe<'_, T> {}

/// Kinds a constant parameter may have.
#[diagnostic::on_unimplemented(
    message = "this parameter holds floats, but `#[differentiable]` would treat it as a constant \
               and give it no gradient",
    label = "its type is an alias of a float type or a container the macro does not follow",
    note = "write the float type itself (`f64`, `&[f64]`, `&Vector3<f64>`, a generic `T`), or \
            name the parameters to differentiate in `wrt(..)` to keep this one constant"
)]
pub trait ConstantKind {}

impl ConstantKind for Constant {}

/// Accepts the kind of a parameter the macro treats as a constant (see the module docs).
#[inline(always)]
pub fn constant_parameter<K: ConstantKind>(_: K) {}

macro_rules! holds_floats {
    ($($float:ty),*) => {$(
        impl Probe<'_, $float> {
            /// [`HoldsFloats`].
            pub fn kind(&self) -> HoldsFloats { HoldsFloats }
        }
        impl Probe<'_, &$float> {
            /// [`HoldsFloats`].
            pub fn kind(&self) -> HoldsFloats { HoldsFloats }
        }
        impl Probe<'_, &[$float]> {
            /// [`HoldsFloats`].
            pub fn kind(&self) -> HoldsFloats { HoldsFloats }
        }
        impl Probe<'_, Vec<$float>> {
            /// [`HoldsFloats`].
            pub fn kind(&self) -> HoldsFloats { HoldsFloats }
        }
        impl Probe<'_, &Vec<$float>> {
            /// [`HoldsFloats`].
            pub fn kind(&self) -> HoldsFloats { HoldsFloats }
        }
        impl Probe<'_, Box<[$float]>> {
            /// [`HoldsFloats`].
            pub fn kind(&self) -> HoldsFloats { HoldsFloats }
        }
        impl Probe<'_, &Box<[$float]>> {
            /// [`HoldsFloats`].
            pub fn kind(&self) -> HoldsFloats { HoldsFloats }
        }
        impl Probe<'_, Option<$float>> {
            /// [`HoldsFloats`].
            pub fn kind(&self) -> HoldsFloats { HoldsFloats }
        }
        impl Probe<'_, ($float, $float)> {
            /// [`HoldsFloats`].
            pub fn kind(&self) -> HoldsFloats { HoldsFloats }
        }
        impl Probe<'_, ($float, $float, $float)> {
            /// [`HoldsFloats`].
            pub fn kind(&self) -> HoldsFloats { HoldsFloats }
        }
        impl<const N: usize> Probe<'_, [$float; N]> {
            /// [`HoldsFloats`].
            pub fn kind(&self) -> HoldsFloats { HoldsFloats }
        }
        impl<const N: usize> Probe<'_, &[$float; N]> {
            /// [`HoldsFloats`].
            pub fn kind(&self) -> HoldsFloats { HoldsFloats }
        }
        impl<const N: usize> Probe<'_, &[[$float; N]]> {
            /// [`HoldsFloats`].
            pub fn kind(&self) -> HoldsFloats { HoldsFloats }
        }
        impl<const N: usize> Probe<'_, Vec<[$float; N]>> {
            /// [`HoldsFloats`].
            pub fn kind(&self) -> HoldsFloats { HoldsFloats }
        }
        impl<const N: usize> Probe<'_, &Vec<[$float; N]>> {
            /// [`HoldsFloats`].
            pub fn kind(&self) -> HoldsFloats { HoldsFloats }
        }
        impl Probe<'_, &[Vec<$float>]> {
            /// [`HoldsFloats`].
            pub fn kind(&self) -> HoldsFloats { HoldsFloats }
        }
        impl Probe<'_, Vec<Vec<$float>>> {
            /// [`HoldsFloats`].
            pub fn kind(&self) -> HoldsFloats { HoldsFloats }
        }
        impl Probe<'_, &Vec<Vec<$float>>> {
            /// [`HoldsFloats`].
            pub fn kind(&self) -> HoldsFloats { HoldsFloats }
        }
        impl Probe<'_, &[&[$float]]> {
            /// [`HoldsFloats`].
            pub fn kind(&self) -> HoldsFloats { HoldsFloats }
        }
        impl<R: Dim, C: Dim, S> Probe<'_, Matrix<$float, R, C, S>> {
            /// [`HoldsFloats`].
            pub fn kind(&self) -> HoldsFloats { HoldsFloats }
        }
        impl<R: Dim, C: Dim, S> Probe<'_, &Matrix<$float, R, C, S>> {
            /// [`HoldsFloats`].
            pub fn kind(&self) -> HoldsFloats { HoldsFloats }
        }
        impl<const D: usize> Probe<'_, OPoint<$float, nalgebra::Const<D>>> {
            /// [`HoldsFloats`].
            pub fn kind(&self) -> HoldsFloats { HoldsFloats }
        }
        impl<const D: usize> Probe<'_, &OPoint<$float, nalgebra::Const<D>>> {
            /// [`HoldsFloats`].
            pub fn kind(&self) -> HoldsFloats { HoldsFloats }
        }
    )*};
}

holds_floats!(f32, f64);

#[cfg(test)]
mod tests {
    use super::*;

    // Which answer each type gets, by the type of `kind`'s result.
    fn is<K: 'static>(_: K) -> std::any::TypeId {
        std::any::TypeId::of::<K>()
    }

    #[test]
    fn floats_and_their_containers_hold_floats_and_others_are_constants() {
        let floats = std::any::TypeId::of::<HoldsFloats>();
        let constant = std::any::TypeId::of::<Constant>();
        assert_eq!(is(Probe(&1.0f64).kind()), floats);
        assert_eq!(is(Probe(&&[1.0f32][..]).kind()), floats);
        assert_eq!(is(Probe(&vec![[1.0f64; 2]]).kind()), floats);
        assert_eq!(is(Probe(&(1.0f64, 2.0f64)).kind()), floats);
        assert_eq!(is(Probe(&&vec![vec![1.0f64]]).kind()), floats);
        assert_eq!(is(Probe(&&[&[1.0f32][..]][..]).kind()), floats);
        assert_eq!(
            is(Probe(&nalgebra::Vector3::new(1.0f64, 2.0, 3.0)).kind()),
            floats
        );
        assert_eq!(
            is(Probe(&nalgebra::Point3::new(1.0f64, 2.0, 3.0)).kind()),
            floats
        );
        assert_eq!(is(Probe(&3usize).kind()), constant);
        assert_eq!(is(Probe(&"text").kind()), constant);
        assert_eq!(is(Probe(&vec![1i32]).kind()), constant);
        constant_parameter(Probe(&3usize).kind());
    }
}
