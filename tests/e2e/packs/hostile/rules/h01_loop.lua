rule { id = "H-01", title = "Oneindige lus", severity = "blocking", source = "test", quote = "test",
  check = function(s, p)
    while true do end
  end,
}
