rule { id = "A-03", title = "gsub met een lus in de vervangfunctie", severity = "blocking", source = "test", quote = "test",
  -- The replacement function is Lua: the instruction hook runs inside it.
  check = function(s, p)
    return pass(("abc"):gsub(".", function() while true do end end))
  end,
}
