//! Shapes behind a trait object, a generic function and a function that
//! panics, all called from the program's crate.

pub trait Shape: Send {
    fn area(&self) -> f64;
    fn name(&self) -> String;
}

pub struct Circle {
    pub radius: f64,
}

pub struct Rect {
    pub width: f64,
    pub height: f64,
}

impl Shape for Circle {
    fn area(&self) -> f64 {
        3.0 * self.radius * self.radius
    }
    fn name(&self) -> String {
        format!("circle r={}", self.radius)
    }
}

impl Shape for Rect {
    fn area(&self) -> f64 {
        self.width * self.height
    }
    fn name(&self) -> String {
        format!("rect {}x{}", self.width, self.height)
    }
}

/// The largest element; instantiated in the program's crate.
pub fn largest<T: PartialOrd + Copy>(items: &[T]) -> T {
    let mut best = items[0];
    for &item in items {
        if item > best {
            best = item;
        }
    }
    best
}

/// Divides, panicking on a zero divisor: the panic unwinds through this
/// crate's lazy frames into the program's.
pub fn checked_ratio(a: i64, b: i64) -> i64 {
    if b == 0 {
        panic!("ratio of {a} to zero");
    }
    a / b
}
