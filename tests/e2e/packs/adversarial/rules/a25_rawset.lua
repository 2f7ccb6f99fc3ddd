rule { id = "A-25", title = "rawset op de omgeving", severity = "blocking", source = "test", quote = "test",
  -- rawset, rawget and rawlen are not in the sandbox.
  check = function(s, p)
    rawset(_ENV, "pass", function() return "gewonnen" end)
  end,
}
