rule { id = "A-36", title = "Plugin-functie met enorme argumenten", severity = "blocking", source = "test", quote = "test",
  -- Arguments are copied to the host: the copy counts against the memory budget.
  check = function(s, p)
    local big = ("1"):rep(30000000)
    return pass(nl.bedrag(big, big, big, big, big, big, big, big))
  end,
}
