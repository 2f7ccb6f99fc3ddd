rule { id = "H-15", title = "Geen uitkomst", severity = "blocking", source = "test", quote = "test",
  check = function(s, p)
    return { outcome = "pass" }
  end,
}
