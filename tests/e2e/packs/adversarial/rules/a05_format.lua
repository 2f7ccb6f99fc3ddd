rule { id = "A-05", title = "string.format met een enorme breedte", severity = "blocking", source = "test", quote = "test",
  -- Lua refuses widths over two digits; a width of 99 stays small.
  check = function(s, p)
    return pass(string.format("%99999999d", 1))
  end,
}
