// Lazily compiled code using the C++ standard library: containers,
// algorithms, strings, streams, smart pointers and virtual dispatch, with
// libstdc++ and libc++.
// RUN: %clangxx -O0 -g %autojit %s -o %t.exe %rt
// RUN: %t.exe | FileCheck %s
// RUN: %if libcxx %{ %clangxx -stdlib=libc++ -O0 -g %autojit %s -o %t.cxx.exe %rt %}
// RUN: %if libcxx %{ %t.cxx.exe | FileCheck %s %}

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

struct Shape {
  virtual ~Shape() = default;
  virtual double area() const = 0;
  virtual std::string name() const = 0;
};
struct Square : Shape {
  double s;
  explicit Square(double s) : s(s) {}
  double area() const override { return s * s; }
  std::string name() const override { return "square"; }
};
struct Rect : Shape {
  double w, h;
  Rect(double w, double h) : w(w), h(h) {}
  double area() const override { return w * h; }
  std::string name() const override { return "rect"; }
};

std::map<std::string, int> word_count(const std::string &text) {
  std::map<std::string, int> counts;
  std::istringstream in(text);
  for (std::string w; in >> w;)
    counts[w]++;
  return counts;
}

int main() {
  std::vector<std::unique_ptr<Shape>> shapes;
  shapes.push_back(std::make_unique<Square>(3));
  shapes.push_back(std::make_unique<Rect>(2, 5));
  std::sort(shapes.begin(), shapes.end(),
            [](const auto &a, const auto &b) { return a->area() < b->area(); });
  for (const auto &s : shapes)
    std::cout << s->name() << " " << s->area() << "\n";
  std::vector<int> v(100);
  std::iota(v.begin(), v.end(), 1);
  std::cout << "sum " << std::accumulate(v.begin(), v.end(), 0) << "\n";
  for (const auto &[w, n] : word_count("b a b c b a"))
    std::cout << w << "=" << n << " ";
  std::cout << std::endl;
  return 0;
}

// CHECK: square 9
// CHECK-NEXT: rect 10
// CHECK-NEXT: sum 5050
// CHECK-NEXT: a=2 b=3 c=1
