struct point {
  int x, y;
};

int second_sum(struct point p) { return p.x + p.y; }

#ifdef EDITED
int second_scaled(struct point p) { return 10 * (p.x + p.y); }
#else
int second_scaled(struct point p) { return 3 * (p.x + p.y); }
#endif
