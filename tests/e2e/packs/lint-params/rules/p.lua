rule { id = "P-01", title = "Budget", severity = "advisory", source = "004 §1",
  quote = "Het budget is het plafond voor de uitvoering.",
  check = function(s, p)
    if p.budget > p.plafond then return fail("Budget boven plafond.") end
    return pass("Budget binnen plafond.")
  end,
}
