use autodiff::differentiable;

trait Model {
    #[differentiable]
    fn predict(&self, x: f64) -> f64;
}

fn main() {}
