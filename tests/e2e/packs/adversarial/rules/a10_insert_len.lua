rule { id = "A-10", title = "table.insert met een vijandige __len", severity = "blocking", source = "test", quote = "test",
  -- insert shifts #t elements in C; __len claims 2^63 - 2.
  check = function(s, p)
    local t = setmetatable({}, { __len = function() return math.maxinteger - 1 end })
    table.insert(t, 1, "x")
  end,
}
