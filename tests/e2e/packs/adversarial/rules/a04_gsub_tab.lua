rule { id = "A-04", title = "gsub met een vijandige vervangtabel", severity = "blocking", source = "test", quote = "test",
  -- gsub reads the table with metamethods; __index loops.
  check = function(s, p)
    local t = setmetatable({}, { __index = function() while true do end end })
    return pass(("abc"):gsub(".", t))
  end,
}
