rule { id = "A-17", title = "xpcall-handler die vastloopt na een fout", severity = "blocking", source = "test", quote = "test",
  -- The handler runs under the same budget as the rule.
  check = function(s, p)
    return pass(xpcall(function() error("x") end, function() while true do end end))
  end,
}
