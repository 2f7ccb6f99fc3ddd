rule { id = "A-30", title = "Recursieve __index-functie", severity = "blocking", source = "test", quote = "test",
  -- Every access calls __index from C: the C-call limit ends it.
  check = function(s, p)
    local t
    t = setmetatable({}, { __index = function(self, k) return t[k .. "x"] end })
    return pass(t.x)
  end,
}
