rule { id = "H-09", title = "Fout in __gc", severity = "blocking", source = "test", quote = "test",
  check = function(s, p)
    setmetatable({}, { __gc = function() error("in gc") end }) return pass()
  end,
}
