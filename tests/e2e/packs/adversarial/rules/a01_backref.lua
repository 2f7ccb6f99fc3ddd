rule { id = "A-01", title = "Terugverwijzing in een patroon", severity = "blocking", source = "test", quote = "test",
  -- Each step of '%1' compares up to the whole capture: charged by length, not as one step.
  check = function(s, p)
    return pass(string.find(("a"):rep(200000), "(.*)%1x"))
  end,
}
