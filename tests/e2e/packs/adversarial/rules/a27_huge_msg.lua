rule { id = "A-27", title = "Bericht van 25 MB", severity = "blocking", source = "test", quote = "test",
  -- A message the report cannot carry: outcome error, the report keeps a short excerpt.
  check = function(s, p)
    return pass(("x"):rep(25000000))
  end,
}
