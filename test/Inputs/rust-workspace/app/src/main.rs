use shapes::{checked_ratio, largest, Circle, Rect, Shape};
use std::panic;
use std::thread;

fn total_area(shapes: &[Box<dyn Shape>]) -> f64 {
    shapes.iter().map(|s| s.area()).sum()
}

fn ratio_or_message(a: i64, b: i64) -> String {
    match panic::catch_unwind(|| checked_ratio(a, b)) {
        Ok(r) => format!("ratio {r}"),
        Err(e) => format!("caught: {}", e.downcast_ref::<String>().unwrap()),
    }
}

fn main() {
    let shapes: Vec<Box<dyn Shape>> = vec![
        Box::new(Circle { radius: 2.0 }),
        Box::new(Rect { width: 3.0, height: 4.0 }),
    ];
    for s in &shapes {
        println!("{} area {}", s.name(), s.area());
    }
    println!("total {}", total_area(&shapes));
    println!("largest int {}", largest(&[3, 9, 4]));
    println!("largest float {}", largest(&[2.5, 1.5]));

    // Quiet the default hook: the message is printed by the program.
    panic::set_hook(Box::new(|_| {}));
    println!("{}", ratio_or_message(12, 4));
    println!("{}", ratio_or_message(12, 0));

    let workers: Vec<_> = (1..=4)
        .map(|i| thread::spawn(move || total_area(&[Box::new(Circle { radius: i as f64 })])))
        .collect();
    let sums: Vec<f64> = workers.into_iter().map(|w| w.join().unwrap()).collect();
    println!("threads {sums:?}");
}
