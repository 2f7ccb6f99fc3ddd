rule { id = "A-22", title = "__mode achteraf toevoegen: ephemeron-keten", severity = "blocking", source = "test", quote = "test",
  -- A random chain through a weak-keyed table needs one GC pass per link: quadratic, inside C.
  check = function(s, p)
    local mt = {}
    local w = setmetatable({}, mt)
    mt.__mode = "k"
    local keys = {}
    for i = 1, 60000 do keys[i] = {} end
    local seed = 7
    for i = 60000, 2, -1 do
      seed = (seed * 1103515245 + 12345) % 2147483648
      local j = seed % i + 1
      keys[i], keys[j] = keys[j], keys[i]
    end
    for i = 1, 59999 do w[keys[i]] = keys[i + 1] end
    local root = keys[1]
    keys = nil
    for i = 1, 1e9 do local junk = { i } end
  end,
}
