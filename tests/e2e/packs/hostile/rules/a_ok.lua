rule { id = "OK-01", title = "Eerste controle", severity = "blocking", source = "test", quote = "test",
  check = function(s, p)
    return pass("in orde")
  end,
}
