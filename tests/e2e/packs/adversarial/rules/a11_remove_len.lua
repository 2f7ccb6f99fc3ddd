rule { id = "A-11", title = "table.remove met een vijandige __len", severity = "blocking", source = "test", quote = "test",
  -- remove shifts #t elements in C; __len claims 2^63 - 2.
  check = function(s, p)
    local t = setmetatable({}, { __len = function() return math.maxinteger - 1 end })
    table.remove(t, 1)
  end,
}
