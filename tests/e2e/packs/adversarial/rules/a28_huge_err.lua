rule { id = "A-28", title = "Foutmelding van 25 MB", severity = "blocking", source = "test", quote = "test",
  -- The message and the traceback are cut to a few KB before they reach the report.
  check = function(s, p)
    error(("x"):rep(25000000))
  end,
}
