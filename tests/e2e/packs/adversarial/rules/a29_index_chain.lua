rule { id = "A-29", title = "Lange __index-keten", severity = "blocking", source = "test", quote = "test",
  -- 3 000 tables chained by __index: Lua stops at 2 000 steps.
  check = function(s, p)
    local t = {}
    for i = 1, 3000 do t = setmetatable({}, { __index = t }) end
    return pass(t.x)
  end,
}
