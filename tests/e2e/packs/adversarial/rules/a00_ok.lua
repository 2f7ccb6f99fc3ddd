rule { id = "A-00", title = "Eerste controle", severity = "blocking", source = "test", quote = "test",
  -- Runs before every adversarial rule.
  check = function(s, p)
    return pass("in orde")
  end,
}
