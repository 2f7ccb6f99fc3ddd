rule { id = "H-07", title = "string.rep-bom", severity = "blocking", source = "test", quote = "test",
  check = function(s, p)
    local s = string.rep("abc", 1e9) return pass(#s)
  end,
}
