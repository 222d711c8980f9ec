-- The SQLite workload of the corpus tier: generated data (no random(), no
-- clock), then indexes, joins, aggregates, window functions, CTEs, triggers,
-- views, JSON, full-text search, printf and math functions. Every query
-- orders its result, so the output is deterministic.
.headers on
.mode list
PRAGMA journal_mode = MEMORY;
CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT, born INTEGER);
CREATE TABLE item(id INTEGER PRIMARY KEY, title TEXT, price REAL, tags TEXT);
CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER REFERENCES customer(id), item INTEGER REFERENCES item(id), qty INTEGER, day INTEGER);
CREATE TABLE audit(op TEXT, n INTEGER);
CREATE TRIGGER orders_ins AFTER INSERT ON orders WHEN new.qty > 8 BEGIN INSERT INTO audit VALUES ('big', new.id); END;

BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
INSERT INTO customer SELECT i, printf('cust%04d', (i * 7919) % 3001), char(65 + i % 26) || 'ville', 1940 + (i * 37) % 60 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
INSERT INTO item SELECT i, 'item ' || hex(i * 31) || ' ' || substr('alpha beta gamma delta epsilon zeta eta theta', 1 + i % 30, 12),
  round((i * 13 % 997) / 7.0, 2), json_array('t' || (i % 5), 't' || (i % 7)) FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60000)
INSERT INTO orders SELECT i, 1 + (i * 2654435761) % 3000, 1 + (i * 40503) % 500, 1 + (i * 17) % 10, (i * 7) % 365 FROM n;
COMMIT;

CREATE INDEX orders_customer ON orders(customer);
CREATE INDEX orders_item_day ON orders(item, day);
ANALYZE;

SELECT count(*), sum(qty), min(day), max(day), total(qty * 1.5) FROM orders;
SELECT op, count(*), min(n), max(n) FROM audit GROUP BY op;

-- Join and aggregate.
SELECT c.city, count(DISTINCT c.id) AS customers, sum(o.qty) AS units, printf('%.2f', sum(o.qty * i.price)) AS revenue
FROM orders o JOIN customer c ON c.id = o.customer JOIN item i ON i.id = o.item
GROUP BY c.city ORDER BY revenue DESC, c.city LIMIT 10;

-- Window functions.
SELECT customer, day, qty, running, rnk FROM (
  SELECT customer, day, qty,
         sum(qty) OVER (PARTITION BY customer ORDER BY day, id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running,
         rank() OVER (PARTITION BY customer ORDER BY qty DESC, id) AS rnk
  FROM orders WHERE customer IN (1, 2, 3)
) ORDER BY customer, day, qty LIMIT 25;
SELECT item, ntile(4) OVER w, lag(total, 1, 0) OVER w, lead(total) OVER w, percent_rank() OVER w
FROM (SELECT item, sum(qty) AS total FROM orders GROUP BY item)
WINDOW w AS (ORDER BY total, item) ORDER BY item LIMIT 12;

-- Subqueries, CTEs, set operations.
WITH best AS (SELECT customer, sum(qty) AS q FROM orders GROUP BY customer)
SELECT name, q FROM best JOIN customer ON id = customer WHERE q = (SELECT max(q) FROM best) ORDER BY name LIMIT 5;
SELECT count(*) FROM (SELECT customer FROM orders WHERE day < 100 INTERSECT SELECT customer FROM orders WHERE day > 300);
SELECT city FROM customer WHERE born < 1945 UNION SELECT city FROM customer WHERE born > 1998 EXCEPT SELECT 'Aville' ORDER BY 1 LIMIT 5;
WITH RECURSIVE fib(a, b, n) AS (SELECT 0, 1, 0 UNION ALL SELECT b, a + b, n + 1 FROM fib WHERE n < 80)
SELECT n, a FROM fib WHERE n % 20 = 0;
WITH RECURSIVE mandel(x, y) AS (SELECT 0, 0 UNION ALL SELECT CASE WHEN x < 39 THEN x + 1 ELSE 0 END, CASE WHEN x < 39 THEN y ELSE y + 1 END FROM mandel WHERE y < 11),
  pts(x, y, cr, ci) AS (SELECT x, y, x * 0.075 - 2.2, y * 0.2 - 1.1 FROM mandel),
  it(x, y, cr, ci, zr, zi, k) AS (SELECT x, y, cr, ci, 0.0, 0.0, 0 FROM pts
    UNION ALL SELECT x, y, cr, ci, zr * zr - zi * zi + cr, 2 * zr * zi + ci, k + 1 FROM it WHERE k < 40 AND zr * zr + zi * zi < 4)
SELECT y, group_concat(substr(' .:-=+*#%@', 1 + min(9, m / 4), 1), '') FROM (
  SELECT x, y, max(k) AS m FROM it GROUP BY y, x ORDER BY y, x) GROUP BY y ORDER BY y;

-- Views, updates, deletes, upserts.
CREATE VIEW item_sales AS SELECT i.id, i.title, sum(o.qty) AS units FROM item i LEFT JOIN orders o ON o.item = i.id GROUP BY i.id;
SELECT id, title, units FROM item_sales ORDER BY units DESC, id LIMIT 5;
UPDATE item SET price = price * 1.1 WHERE id % 3 = 0;
DELETE FROM orders WHERE qty = 1 AND day > 200;
SELECT changes(), total_changes() > 0, count(*) FROM orders;
CREATE TABLE kv(k TEXT PRIMARY KEY, v INTEGER);
INSERT INTO kv SELECT 'key' || (id % 50), 1 FROM orders WHERE id < 2000 ON CONFLICT(k) DO UPDATE SET v = v + 1;
SELECT k, v FROM kv ORDER BY v DESC, k LIMIT 5;

-- JSON.
SELECT json_group_array(id) FROM (SELECT id FROM item WHERE id < 8 ORDER BY id);
SELECT value, count(*) FROM item, json_each(item.tags) GROUP BY value ORDER BY value;
SELECT json_object('n', 1, 'arr', json_array(1, 2.5, 'x', NULL), 'nested', json_object('ok', json('true'))),
       json_extract('{"a":{"b":[10,20,30]}}', '$.a.b[1]'), json_set('{"a":1}', '$.b', 2), json_valid('{bad');
SELECT key, type, fullkey FROM json_tree('{"x":[1,{"y":2}],"z":"s"}') ORDER BY id;

-- Full-text search.
CREATE VIRTUAL TABLE docs USING fts5(body);
INSERT INTO docs SELECT title || ' ' || city FROM item JOIN customer ON customer.id = item.id;
SELECT count(*) FROM docs WHERE docs MATCH 'gamma AND Bville';
SELECT rowid, highlight(docs, 0, '[', ']') FROM docs WHERE docs MATCH 'epsil*' ORDER BY rank, rowid LIMIT 3;

-- Strings, numbers, math.
SELECT upper('straße'), lower('ÀBC'), length('héllo'), instr('hello world', 'wor'), replace('a-b-c', '-', '+'), trim('  x  '), ltrim('xxy', 'x'),
       substr('abcdef', -3, 2), quote('it''s'), unicode('€'), char(9731), hex(zeroblob(3)), like('%B_', 'aabc'), glob('*.c', 'x.c');
SELECT printf('%5.2f|%-8s|%08d|%x|%e|%c|%q|%w', 3.14159, 'ab', 42, 255, 1234.5, 'z', 'a''b', 'c"d');
SELECT 7 / 2, 7 % 3, 7.0 / 2, -7 / 2, 1 << 40, 9223372036854775807 + 0, cast('12abc' AS INTEGER), cast(1e300 * 10 AS TEXT), round(2.5), round(-2.5), abs(-3);
SELECT round(sqrt(2), 10), round(pow(2, 0.5), 10), round(ln(10), 10), round(log10(1000), 10), floor(-1.5), ceil(-1.5), round(pi(), 10), round(sin(1) + cos(1) + atan2(1, 2), 10);
SELECT typeof(1), typeof(1.0), typeof('1'), typeof(x'01'), typeof(NULL), 1 = 1.0, '1' = 1, NULL IS NULL, coalesce(NULL, NULL, 'c'), iif(1 > 2, 'a', 'b'), nullif(3, 3);
SELECT date('2024-02-28', '+1 day'), datetime(1700000000, 'unixepoch'), strftime('%Y-%j %H:%M', '2023-12-31 23:59:59'), julianday('2000-01-01'), date('2023-01-31', '+1 month');
SELECT group_concat(name, ';') FROM (SELECT name FROM customer WHERE id <= 5 ORDER BY name);
PRAGMA integrity_check;
SELECT count(*) FROM sqlite_schema;
