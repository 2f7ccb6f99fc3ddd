rule { id = "H-12", title = "Globals wijzigen", severity = "blocking", source = "test", quote = "test",
  check = function(s, p)
    pass = function() return "gewonnen" end return pass()
  end,
}
