rule { id = "H-13", title = "Patroonbom", severity = "blocking", source = "test", quote = "test",
  check = function(s, p)
    return pass(string.find(("a"):rep(60), ("a*"):rep(60) .. "b"))
  end,
}
