rule { id = "A-38", title = "table.unpack door een __index-keten", severity = "blocking", source = "test", quote = "test",
  -- Each element read walks 1 900 tables in C: the bounded unpack charges and checks the clock.
  check = function(s, p)
    local base = {}
    local t = base
    for i = 1, 1900 do t = setmetatable({}, { __index = t }) end
    local n = 0
    for r = 1, 1e9 do n = n + select("#", table.unpack(t, 1, 900000)) end
  end,
}
