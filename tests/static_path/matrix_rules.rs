//! Every vector and matrix rule on random shapes: its push (forward mode) against central
//! differences of its value, and its pull (reverse mode) against its push through the
//! adjoint identity `<ȳ, J dx> = <Jᵀ ȳ, dx>`.

use autodiff::__private::{pull, push, rules};
use nalgebra::{allocator::Allocator, DMatrix, DVector, DefaultAllocator, Dim, OMatrix, Vector3};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn mat(r: &mut StdRng, rows: usize, cols: usize) -> DMatrix<f64> {
    DMatrix::from_fn(rows, cols, |_, _| r.gen_range(-1.0..1.0))
}

/// A value, tangent or adjoint: flattened for inner products and differences.
trait Flat {
    fn flat(&self) -> Vec<f64>;
}

impl Flat for f64 {
    fn flat(&self) -> Vec<f64> {
        vec![*self]
    }
}

impl<R: Dim, C: Dim> Flat for OMatrix<f64, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    fn flat(&self) -> Vec<f64> {
        self.iter().copied().collect()
    }
}

fn inner(a: &impl Flat, b: &impl Flat) -> f64 {
    let (a, b) = (a.flat(), b.flat());
    assert_eq!(a.len(), b.len(), "shapes");
    a.iter().zip(&b).map(|(x, y)| x * y).sum()
}

fn assert_close(a: &impl Flat, b: &impl Flat, tol: f64, what: &str) {
    let (a, b) = (a.flat(), b.flat());
    assert_eq!(a.len(), b.len(), "{what}: shapes");
    for (x, y) in a.iter().zip(&b) {
        assert!(
            (x - y).abs() <= tol * x.abs().max(y.abs()).max(1.0),
            "{what}: {a:?} vs {b:?}"
        );
    }
}

/// Checks one partial of a rule: `value(x + h dx)` against `value(x) + h push(dx)` by
/// central differences, and `pull` against `push` by the adjoint identity.
macro_rules! check_partial {
    ($what:expr, $x:expr, $dx:expr, $ybar:expr, |$v:ident| $value:expr, $d:expr) => {{
        let (x, dx, ybar, d) = (&$x, &$dx, &$ybar, &$d);
        let h = 1e-6;
        let at = |s: f64| {
            let $v = x.clone() + dx.clone() * s;
            $value
        };
        let fd = (at(h) - at(-h)) / (2.0 * h);
        let jdx = push(d, dx);
        assert_close(
            &jdx,
            &fd,
            1e-6,
            concat!($what, ": push against differences"),
        );
        let jt = pull(d, ybar);
        let (left, right) = (inner(ybar, &jdx), inner(&jt, dx));
        assert!(
            (left - right).abs() <= 1e-10 * left.abs().max(1.0),
            "{}: <ȳ, J dx> = {left} but <Jᵀ ȳ, dx> = {right}",
            $what
        );
    }};
}

#[test]
fn products_against_differences_and_the_adjoint_identity() {
    let mut r = StdRng::seed_from_u64(21);
    for _ in 0..20 {
        let (m, k, n) = (r.gen_range(1..6), r.gen_range(1..6), r.gen_range(1..6));
        let (a, b) = (mat(&mut r, m, k), mat(&mut r, k, n));
        let (da, db, ybar) = (mat(&mut r, m, k), mat(&mut r, k, n), mat(&mut r, m, n));
        let (_, pa, pb) = rules::mul(&a, &b);
        check_partial!("A B in A", a, da, ybar, |v| &v * &b, pa);
        check_partial!("A B in B", b, db, ybar, |v| &a * &v, pb);
        let s: f64 = r.gen_range(0.5..2.0);
        let (_, ps, pm) = rules::mul(&s, &a);
        let ybar_a = mat(&mut r, m, k);
        check_partial!("s A in s", s, 0.7, ybar_a, |v| &a * v, ps);
        check_partial!("s A in A", a, da, ybar_a, |v| &v * s, pm);
        let (_, pm, ps) = rules::mul(&a, &s);
        check_partial!("A s in A", a, da, ybar_a, |v| &v * s, pm);
        check_partial!("A s in s", s, 0.7, ybar_a, |v| &a * v, ps);
        let (_, pm, ps) = rules::div(&a, &s);
        check_partial!("A / s in A", a, da, ybar_a, |v| &v / s, pm);
        check_partial!("A / s in s", s, 0.7, ybar_a, |v| &a / v, ps);
        let (_, p0, p1) = rules::sub(&a, &da);
        check_partial!("A - B in A", a, da, ybar_a, |v| &v - &da, p0);
        check_partial!("A - B in B", da, a, ybar_a, |v| &a - &v, p1);
        let (_, p) = rules::neg(&a);
        check_partial!("-A", a, da, ybar_a, |v| -v, p);
    }
}

#[test]
fn reductions_and_element_wise_rules() {
    let mut r = StdRng::seed_from_u64(22);
    for _ in 0..20 {
        let (m, n) = (r.gen_range(1..6), r.gen_range(1..6));
        let (a, b) = (mat(&mut r, m, n), mat(&mut r, m, n).map(|x| x + 2.0));
        let (da, db, ybar) = (mat(&mut r, m, n), mat(&mut r, m, n), mat(&mut r, m, n));
        let sbar: f64 = r.gen_range(-1.0..1.0);
        let (_, p0, p1) = rules::dot(&a, &b);
        check_partial!("dot in a", a, da, sbar, |v| v.dot(&b), p0);
        check_partial!("dot in b", b, db, sbar, |v| a.dot(&v), p1);
        let (_, p) = rules::norm(&a);
        check_partial!("norm", a, da, sbar, |v| v.norm(), p);
        let (_, p) = rules::norm_squared(&a);
        check_partial!("norm_squared", a, da, sbar, |v| v.norm_squared(), p);
        let (_, p) = rules::sum(&a);
        check_partial!("sum", a, da, sbar, |v| v.sum(), p);
        let (_, p0, p1) = rules::component_mul(&a, &b);
        check_partial!(
            "component_mul in a",
            a,
            da,
            ybar,
            |v| v.component_mul(&b),
            p0
        );
        check_partial!(
            "component_mul in b",
            b,
            db,
            ybar,
            |v| a.component_mul(&v),
            p1
        );
        let (_, p0, p1) = rules::component_div(&a, &b);
        check_partial!(
            "component_div in a",
            a,
            da,
            ybar,
            |v| v.component_div(&b),
            p0
        );
        check_partial!(
            "component_div in b",
            b,
            db,
            ybar,
            |v| a.component_div(&v),
            p1
        );
        let (_, p) = rules::transpose(&a);
        let ybar_t = ybar.transpose();
        check_partial!("transpose", a, da, ybar_t, |v| v.transpose(), p);
        let (_, p) = rules::map(&a, |x: f64| (x.sin(), x.cos()));
        check_partial!("map sin", a, da, ybar, |v| v.map(f64::sin), p);
        let (i, j) = (r.gen_range(0..m), r.gen_range(0..n));
        let (_, p) = rules::index(&a, (i, j));
        check_partial!("m[(i, j)]", a, da, sbar, |v| v[(i, j)], p);
        let k = r.gen_range(0..m * n);
        let (_, p) = rules::index(&a, k);
        check_partial!("m[k]", a, da, sbar, |v| v[k], p);
        let (_, p) = rules::column(&a, j);
        let ybar_c = DVector::from_fn(m, |_, _| r.gen_range(-1.0..1.0));
        check_partial!("column", a, da, ybar_c, |v| v.column(j).into_owned(), p);
        let (_, p) = rules::row(&a, i);
        let ybar_r = ybar.row(0).into_owned();
        check_partial!("row", a, da, ybar_r, |v| v.row(i).into_owned(), p);
        let v = DVector::from_fn(m, |_, _| r.gen_range(-1.0..1.0));
        let (dv, vbar) = (v.map(|x| x * 0.3 + 0.1), v.map(|x| 1.0 - x));
        let (_, p) = rules::normalize(&v);
        check_partial!("normalize", v, dv, vbar, |w| w.normalize(), p);
        let (y, p) = (
            DVector::from_element(m, 0.4),
            rules::fill(&DVector::from_element(m, 0.4)),
        );
        check_partial!(
            "from_element",
            0.4,
            0.9,
            vbar,
            |s| DVector::from_element(m, s),
            p
        );
        let k = r.gen_range(0..m);
        let p = rules::place(&y, k, m);
        check_partial!(
            "new, argument k",
            y[k],
            0.9,
            vbar,
            |s| {
                let mut w = y.clone();
                w[k] = s;
                w
            },
            p
        );
    }
}

#[test]
fn square_matrix_rules() {
    let mut r = StdRng::seed_from_u64(23);
    for n in 1..6 {
        let a = mat(&mut r, n, n) + DMatrix::identity(n, n) * (n as f64 + 1.0);
        let (da, ybar) = (mat(&mut r, n, n), mat(&mut r, n, n));
        let sbar: f64 = r.gen_range(-1.0..1.0);
        let (_, p) = rules::trace(&a);
        check_partial!("trace", a, da, sbar, |v| v.trace(), p);
        let (_, p) = rules::determinant(&a);
        check_partial!("determinant", a, da, sbar, |v| v.determinant(), p);
        let (_, p) = rules::inverse(&a);
        check_partial!("inverse", a, da, ybar, |v| v.try_inverse().unwrap(), p);
        let b = mat(&mut r, n, 2);
        let (db, xbar) = (mat(&mut r, n, 2), mat(&mut r, n, 2));
        let (_, pa, pb) = rules::lu_solve(&a, &b);
        check_partial!("solve in A", a, da, xbar, |v| v.lu().solve(&b).unwrap(), pa);
        check_partial!(
            "solve in b",
            b,
            db,
            xbar,
            |v| a.clone().lu().solve(&v).unwrap(),
            pb
        );
    }
}

#[test]
fn cross_product() {
    let mut r = StdRng::seed_from_u64(24);
    let mut v3 = || Vector3::from_fn(|_, _| r.gen_range(-1.0..1.0));
    for _ in 0..20 {
        let (a, b, da, db, ybar) = (v3(), v3(), v3(), v3(), v3());
        let (_, p0, p1) = rules::cross(&a, &b);
        check_partial!("cross in a", a, da, ybar, |v| v.cross(&b), p0);
        check_partial!("cross in b", b, db, ybar, |v| a.cross(&v), p1);
    }
}
