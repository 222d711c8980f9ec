int loaded_fn(int x) {
  int y = x * 2;
  return y + 1;
}
