rule { id = "H-10", title = "Fout in __tostring", severity = "blocking", source = "test", quote = "test",
  check = function(s, p)
    error(setmetatable({}, { __tostring = function() while true do end end }))
  end,
}
