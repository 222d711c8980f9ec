-- The Lua workload of the corpus tier: exercises the interpreter's main
-- paths (tables, strings and patterns, closures, coroutines, metatables,
-- errors, integer and float arithmetic, string.format/pack, load, goto,
-- utf8, sorting) and prints deterministic results. Hash-table iteration
-- order depends on a per-run seed, so keys are always sorted before printing.

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  return keys
end

local function checksum(s)
  local h = 5381
  for i = 1, #s do h = (h * 33 + s:byte(i)) & 0xffffffff end
  return string.format("%08x", h)
end

-- A fixed pseudo-random generator (math.random is seeded randomly in 5.4).
local seed = 12345
local function rand(n)
  seed = (seed * 1103515245 + 12345) & 0x7fffffff
  return seed % n
end

print("== tables")
do
  local t = {}
  for i = 1, 200000 do t[i] = (i * 7919) % 100003 end
  local sum = 0
  for i = 1, #t do sum = sum + t[i] end
  print("array sum", sum, #t)
  table.sort(t)
  print("sorted", t[1], t[2], t[#t // 2], t[#t])
  local words = {}
  for i = 1, 50000 do
    local w = "k" .. rand(5000)
    words[w] = (words[w] or 0) + 1
  end
  local keys = sorted_keys(words)
  print("distinct", #keys, keys[1], words[keys[1]], keys[#keys], words[keys[#keys]])
  table.insert(t, 1, -1)
  table.remove(t)
  print("concat", table.concat({1, 2, 3, "x", 4.5}, ","), table.unpack({10, 20, 30}, 2))
  print("move", table.concat(table.move({1, 2, 3, 4, 5}, 2, 4, 1, {}), " "))
end

print("== strings")
do
  local parts = {}
  for i = 1, 20000 do parts[#parts + 1] = string.format("%5d:%-6s|%x|%5.2f", i, ("ab"):rep(i % 4), i * 31, i / 7) end
  local s = table.concat(parts, "\n")
  print("format", #s, checksum(s))
  print(string.format("%q", "tab\tnl\nquote\"zero\0end"))
  print(string.format("%10.3f|%-10d|%+d|%e|%g|%g|%a", math.pi, 42, 7, 12345.678, 1e20, 0.1, 1.0))
  local count = 0
  for word in s:gmatch("%a+") do count = count + #word end
  print("gmatch letters", count)
  local replaced, n = s:sub(1, 2000):gsub("(%d+):(%a*)", function(num, w) return w:upper() .. "#" .. (tonumber(num) * 2) end)
  print("gsub", n, checksum(replaced))
  print("find", ("hello world from lua"):find("wor"), ("key = value"):match("^(%w+)%s*=%s*(%w+)$"))
  print("case", ("MiXeD"):lower(), ("MiXeD"):upper(), ("abc"):reverse(), ("x"):rep(3, "-"))
  print("byte/char", ("ABC"):byte(1, -1), string.char(72, 105))
  local packed = string.pack("<i4 d z s2", -7, 2.5, "zs", "len")
  print("pack", #packed, checksum(packed), string.unpack("<i4 d z s2", packed))
  print("utf8", utf8.len("héllo wörld"), utf8.char(72, 228, 8364, 128512), utf8.codepoint("€", 1))
  local cps = {}
  for _, c in utf8.codes("aé€") do cps[#cps + 1] = c end
  print("codes", table.concat(cps, " "))
end

print("== closures")
do
  local function counter(step)
    local n = 0
    return function() n = n + step; return n end
  end
  local cs = {}
  for i = 1, 100 do cs[i] = counter(i) end
  local total = 0
  for round = 1, 1000 do
    for i = 1, #cs do total = total + cs[i]() end
  end
  print("counters", total)
  local function compose(f, g) return function(...) return f(g(...)) end end
  local inc = function(x) return x + 1 end
  local dbl = function(x) return x * 2 end
  local f = inc
  for _ = 1, 50 do f = compose(dbl, compose(inc, f)) end
  print("compose", f(1) % 1000000007)
  local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
  print("fib", fib(27))
  local memo = setmetatable({}, {__mode = "k"})
  print("varargs", select("#", 1, nil, 3, nil), select(2, "a", "b", "c"), (function(...) return select("#", ...) end)(table.unpack({1, 2, 3}, 1, 5)))
  memo[{}] = 1
end

print("== coroutines")
do
  local function gen(n)
    return coroutine.wrap(function()
      for i = 1, n do coroutine.yield(i, i * i) end
      return "done"
    end)
  end
  local g = gen(5)
  local out = {}
  for _ = 1, 6 do
    local a, b = g()
    out[#out + 1] = tostring(a) .. "/" .. tostring(b)
  end
  print("wrap", table.concat(out, " "))
  -- A producer/filter/consumer pipeline.
  local producer = coroutine.create(function()
    for i = 1, 30000 do coroutine.yield(i) end
  end)
  local function filter(src)
    return coroutine.create(function()
      while true do
        local ok, v = coroutine.resume(src)
        if not v then return end
        if v % 3 == 0 or v % 5 == 0 then coroutine.yield(v) end
      end
    end)
  end
  local f = filter(producer)
  local sum, n = 0, 0
  while true do
    local ok, v = coroutine.resume(f)
    if not v then break end
    sum, n = sum + v, n + 1
  end
  print("pipeline", n, sum, coroutine.status(f))
  local co = coroutine.create(function(a) local b = coroutine.yield(a + 1); error("boom " .. b) end)
  print("resume", coroutine.resume(co, 1))
  local ok, err = coroutine.resume(co, 41)
  print("error in coroutine", ok, err)
  print("isyieldable", coroutine.isyieldable(), coroutine.running() ~= nil)
end

print("== metatables")
do
  local Vec = {}
  Vec.__index = Vec
  local function vec(x, y) return setmetatable({x = x, y = y}, Vec) end
  Vec.__add = function(a, b) return vec(a.x + b.x, a.y + b.y) end
  Vec.__mul = function(a, k) return vec(a.x * k, a.y * k) end
  Vec.__eq = function(a, b) return a.x == b.x and a.y == b.y end
  Vec.__lt = function(a, b) return a:len2() < b:len2() end
  Vec.__le = function(a, b) return a:len2() <= b:len2() end
  Vec.__tostring = function(v) return string.format("(%g, %g)", v.x, v.y) end
  Vec.__len = function() return 2 end
  Vec.__call = function(v, k) return v.x * k end
  Vec.__concat = function(a, b) return tostring(a) .. tostring(b) end
  function Vec:len2() return self.x * self.x + self.y * self.y end
  local acc = vec(0, 0)
  for i = 1, 20000 do acc = acc + vec(i % 7, i % 11) * 0.5 end
  print("vec", tostring(acc), #acc, acc(2), vec(1, 2) == vec(1, 2), vec(1, 1) < vec(2, 2), vec(3, 3) <= vec(1, 1))
  print("concat", vec(1, 2) .. vec(3, 4))
  local proxy = setmetatable({}, {__index = function(_, k) return k * 2 end, __newindex = function(t, k, v) rawset(t, k, v + 1) end})
  proxy[1] = 10
  print("index", proxy[1], proxy[21], rawget(proxy, 21))
  local log = {}
  local closed = setmetatable({}, {__close = function() log[#log + 1] = "closed" end})
  do local x <close> = closed end
  print("close", table.concat(log, ","))
  local Account = {balance = 0}
  function Account:new(o) o = o or {}; setmetatable(o, self); self.__index = self; return o end
  function Account:deposit(v) self.balance = self.balance + v end
  local Special = Account:new()
  function Special:deposit(v) Account.deposit(self, v * 2) end
  local s = Special:new{balance = 5}
  s:deposit(10)
  print("inheritance", s.balance, getmetatable(s) == Special)
end

print("== errors")
do
  do local ok, e = pcall(error, {code = 1}); print(ok, type(e), e.code) end
  print(select(2, pcall(error, "msg", 0)))
  print(pcall(function() local x = nil; return x.y end))
  print(xpcall(function() error("deep") end, function(m) return "handled: " .. m end))
  print(pcall(string.rep))
  print(select(2, pcall(function() return 1 + {} end)))
  print(tostring(nil), tonumber("0x10"), tonumber("10", 2), tonumber("z", 36), tonumber("1e2"), math.tointeger(3.0))
end

print("== numbers")
do
  print(7 // 2, 7.0 // 2, -7 // 2, 7 % -3, -7 % 3, 7.5 % 2, 2^10, 1 / 0, -1 / 0, math.maxinteger + 1 == math.mininteger)
  print(3 & 5, 3 | 5, 3 ~ 5, ~0, 1 << 62, 256 >> 4, math.type(1), math.type(1.0), math.type("1"))
  print(math.floor(-3.5), math.ceil(-3.5), math.abs(-4), math.max(1, 9, 3), math.min(4, -2), math.fmod(7, 3), math.sqrt(2), math.ult(1, -1))
  print(string.format("%.14g", math.sin(1) + math.cos(1) + math.exp(1) + math.log(10, 10) + math.atan(1, 2)))
  local x = 0.0
  for i = 1, 300000 do x = x + 1 / (i * i) end
  print(string.format("basel %.12f", x))
  local primes, sieve = 0, {}
  for i = 2, 200000 do
    if not sieve[i] then
      primes = primes + 1
      for j = i * i, 200000, i do sieve[j] = true end
    end
  end
  print("primes", primes)
  print(8 == 8.0, "10" + 5, "3" * "4", 10 .. 20, 2^53 == 2^53 + 1, math.huge > math.maxinteger)
end

print("== load and goto")
do
  local chunk = load("local a, b = ... return a * b + 1")
  print("load", chunk(6, 7))
  local env = {print = function(...) return ... end, x = 5}
  local f = load("return x * 2", "chunk", "t", env)
  print("env", f())
  local dumped = string.dump(function(a) return a .. "!" end)
  print("dump", load(dumped, "d", "b")("bin"))
  print("syntax", load("return +"))
  local i, found = 1, nil
  ::top::
  if i <= 10 then
    if i * i > 50 then found = i; goto out end
    i = i + 1
    goto top
  end
  ::out::
  print("goto", found)
  local src = {}
  for k = 1, 200 do src[#src + 1] = string.format("local v%d = %d * 3", k, k) end
  src[#src + 1] = "return v1 + v200"
  print("big chunk", load(table.concat(src, "\n"))())
end

print("== gc")
do
  collectgarbage()
  local weak = setmetatable({}, {__mode = "v"})
  for i = 1, 1000 do weak[i] = {i} end
  collectgarbage()
  local alive = 0
  for _ in pairs(weak) do alive = alive + 1 end
  print("weak alive after gc", alive)
  local big = {}
  for i = 1, 100000 do big[i] = {i, tostring(i)} end
  big = nil
  collectgarbage("collect")
  print("gc modes", collectgarbage("incremental"), collectgarbage("generational"), collectgarbage("incremental"))
end
print("done")
