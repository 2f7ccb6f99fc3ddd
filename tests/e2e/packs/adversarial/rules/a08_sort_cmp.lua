rule { id = "A-08", title = "table.sort met een vijandige vergelijking", severity = "blocking", source = "test", quote = "test",
  -- The comparator is Lua: the hook runs inside it.
  check = function(s, p)
    local t = {}
    for i = 1, 100 do t[i] = i end
    table.sort(t, function(a, b) while true do end end)
  end,
}
