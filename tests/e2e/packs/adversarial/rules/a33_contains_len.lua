rule { id = "A-33", title = "contains() met een vijandige __len", severity = "blocking", source = "test", quote = "test",
  -- contains walks #t elements in C.
  check = function(s, p)
    local t = setmetatable({}, { __len = function() return math.maxinteger end })
    return pass(tostring(contains(t, 1)))
  end,
}
