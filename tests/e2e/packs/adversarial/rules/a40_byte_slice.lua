rule { id = "A-40", title = "string.byte over 20 MB", severity = "blocking", source = "test", quote = "test",
  -- Twenty million results do not fit on the Lua stack.
  check = function(s, p)
    local big = ("x"):rep(20000000)
    return pass(select("#", string.byte(big, 1, -1)))
  end,
}
