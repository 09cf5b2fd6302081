//! Fits a model whose formula is only known at run time.
//!
//! The formula is a string (here from the command line, or a default), parsed into a tree;
//! its parameters are the single letters other than `x`. The tape records whatever the tree
//! computes, and gradient descent (Adam) fits the parameters to data, reusing one tape for
//! every step.
//!
//! ```text
//! cargo run --release --example tape_fit
//! cargo run --release --example tape_fit -- "a * sin(b * x) + c"
//! ```

use autodiff::tape::{Tape, Var};
use std::collections::BTreeMap;

/// A formula tree.
enum Expr {
    Num(f64),
    X,
    Param(usize),
    Neg(Box<Expr>),
    Bin(char, Box<Expr>, Box<Expr>),
    Call(String, Box<Expr>),
}

/// A recursive-descent parser for `+ - * / ^`, parentheses, numbers, `x`, one-letter
/// parameters and the calls `exp ln sin cos tanh sqrt`.
struct Parser<'s> {
    src: &'s [u8],
    pos: usize,
    params: BTreeMap<char, usize>,
}

impl Parser<'_> {
    fn peek(&mut self) -> Option<u8> {
        while self.src.get(self.pos) == Some(&b' ') {
            self.pos += 1;
        }
        self.src.get(self.pos).copied()
    }

    fn expr(&mut self) -> Result<Expr, String> {
        let mut lhs = self.term()?;
        while let Some(op @ (b'+' | b'-')) = self.peek() {
            self.pos += 1;
            lhs = Expr::Bin(op as char, Box::new(lhs), Box::new(self.term()?));
        }
        Ok(lhs)
    }

    fn term(&mut self) -> Result<Expr, String> {
        let mut lhs = self.power()?;
        while let Some(op @ (b'*' | b'/')) = self.peek() {
            self.pos += 1;
            lhs = Expr::Bin(op as char, Box::new(lhs), Box::new(self.power()?));
        }
        Ok(lhs)
    }

    fn power(&mut self) -> Result<Expr, String> {
        let base = self.atom()?;
        if self.peek() == Some(b'^') {
            self.pos += 1;
            return Ok(Expr::Bin('^', Box::new(base), Box::new(self.power()?)));
        }
        Ok(base)
    }

    fn atom(&mut self) -> Result<Expr, String> {
        match self.peek() {
            Some(b'-') => {
                self.pos += 1;
                Ok(Expr::Neg(Box::new(self.atom()?)))
            }
            Some(b'(') => {
                self.pos += 1;
                let e = self.expr()?;
                self.expect(b')')?;
                Ok(e)
            }
            Some(c) if c.is_ascii_digit() || c == b'.' => {
                let start = self.pos;
                while matches!(self.src.get(self.pos), Some(c) if c.is_ascii_digit() || *c == b'.')
                {
                    self.pos += 1;
                }
                let s = std::str::from_utf8(&self.src[start..self.pos]).unwrap();
                s.parse().map(Expr::Num).map_err(|e| format!("{s}: {e}"))
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let start = self.pos;
                while matches!(self.src.get(self.pos), Some(c) if c.is_ascii_alphabetic()) {
                    self.pos += 1;
                }
                let name = std::str::from_utf8(&self.src[start..self.pos])
                    .unwrap()
                    .to_string();
                if name.len() > 1 {
                    self.expect(b'(')?;
                    let arg = self.expr()?;
                    self.expect(b')')?;
                    return Ok(Expr::Call(name, Box::new(arg)));
                }
                let c = name.chars().next().unwrap();
                if c == 'x' {
                    return Ok(Expr::X);
                }
                let n = self.params.len();
                Ok(Expr::Param(*self.params.entry(c).or_insert(n)))
            }
            other => Err(format!(
                "unexpected {:?} at {}",
                other.map(char::from),
                self.pos
            )),
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), String> {
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!("expected '{}' at {}", c as char, self.pos))
        }
    }
}

/// Evaluates the tree on the tape: ordinary recursion decides what gets recorded.
fn eval<'id>(e: &Expr, x: f64, p: &[Var<'id, f64>]) -> Var<'id, f64> {
    match e {
        Expr::Num(v) => p[0].constant(*v),
        Expr::X => p[0].constant(x),
        Expr::Param(i) => p[*i],
        Expr::Neg(a) => -eval(a, x, p),
        Expr::Bin(op, a, b) => {
            let (a, b) = (eval(a, x, p), eval(b, x, p));
            match op {
                '+' => a + b,
                '-' => a - b,
                '*' => a * b,
                '/' => a / b,
                _ => a.powf(b),
            }
        }
        Expr::Call(f, a) => {
            let a = eval(a, x, p);
            match f.as_str() {
                "exp" => a.exp(),
                "ln" => a.ln(),
                "sin" => a.sin(),
                "cos" => a.cos(),
                "tanh" => a.tanh(),
                "sqrt" => a.sqrt(),
                other => panic!("unknown function {other}"),
            }
        }
    }
}

fn main() {
    let formula = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "a * exp(-b * x) + c * sin(d * x)".to_string());
    let mut parser = Parser {
        src: formula.as_bytes(),
        pos: 0,
        params: BTreeMap::new(),
    };
    let model = parser
        .expr()
        .unwrap_or_else(|e| panic!("cannot parse {formula:?}: {e}"));
    let names: Vec<char> = {
        let mut v: Vec<_> = parser.params.iter().map(|(c, i)| (*i, *c)).collect();
        v.sort();
        v.into_iter().map(|(_, c)| c).collect()
    };
    assert!(!names.is_empty(), "the formula has no parameters");

    // Data from the same formula with "true" parameters 1.5, 0.8, 0.5, 2.0, ... plus a small
    // deterministic wiggle, on x in [0, 4].
    let truth: Vec<f64> = (0..names.len())
        .map(|i| [1.5, 0.8, 0.5, 2.0][i % 4])
        .collect();
    let xs: Vec<f64> = (0..200).map(|i| 4.0 * i as f64 / 199.0).collect();
    let ys: Vec<f64> = Tape::<f64>::scope(|t| {
        let p = t.var_vec(&truth);
        xs.iter()
            .enumerate()
            .map(|(i, &x)| eval(&model, x, &p).value() + 0.01 * ((i * 7919) % 13) as f64 / 13.0)
            .collect()
    });

    println!("formula: {formula}");
    println!("parameters: {names:?}, {} data points", xs.len());

    // Adam on the mean squared error from a few starting points, one reused tape for every
    // step of every start.
    let mut tape = Tape::<f64>::new();
    let start = std::time::Instant::now();
    let (starts, steps): (usize, i32) = (6, 1500);
    let mut best = (f64::INFINITY, Vec::new());
    for s in 0..starts {
        let mut theta: Vec<f64> = (0..names.len())
            .map(|i: usize| 0.3 + 2.2 * (((s * 31 + i * 17 + 5) * 7919) % 1000) as f64 / 1000.0)
            .collect();
        let (mut m, mut v) = (vec![0.0; theta.len()], vec![0.0; theta.len()]);
        let (lr, b1, b2) = (0.05, 0.9, 0.999);
        let mut loss = f64::NAN;
        for step in 1..=steps {
            let (l, g) = tape.record(|t| {
                let p = t.var_vec(&theta);
                let mut sum = p[0].constant(0.0);
                for (&x, &y) in xs.iter().zip(&ys) {
                    sum += (eval(&model, x, &p) - y).powi(2);
                }
                let mse = sum / xs.len() as f64;
                (mse.value(), t.gradient(mse, &p))
            });
            loss = l;
            for i in 0..theta.len() {
                m[i] = b1 * m[i] + (1.0 - b1) * g[i];
                v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
                let mh = m[i] / (1.0 - b1.powi(step));
                let vh = v[i] / (1.0 - b2.powi(step));
                theta[i] -= lr * mh / (vh.sqrt() + 1e-8);
            }
        }
        println!("start {s}: mse {loss:.6} at {theta:.3?}");
        if loss < best.0 {
            best = (loss, theta);
        }
    }
    let elapsed = start.elapsed();
    println!(
        "{} gradient steps in {:.2?} ({} nodes per step, tape capacity {})",
        starts * steps as usize,
        elapsed,
        tape.len(),
        tape.capacity()
    );
    let (loss, theta) = best;
    for ((name, fit), t) in names.iter().zip(&theta).zip(&truth) {
        println!("  {name} = {fit:+.4}   (data made with {t:+.4})");
    }
    println!("final mse {loss:.6}");
}
