rule { id = "A-35", title = "Onbekende naam van 20 MB", severity = "blocking", source = "test", quote = "test",
  -- Looking for a suggestion compares the name with every global.
  check = function(s, p)
    local name = ("x"):rep(20000000)
    return _ENV[name]
  end,
}
