rule { id = "H-16", title = "string-metatable", severity = "blocking", source = "test", quote = "test",
  check = function(s, p)
    getmetatable("").__index.find = nil return pass()
  end,
}
