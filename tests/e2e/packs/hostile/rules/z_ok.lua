rule { id = "OK-02", title = "Laatste controle", severity = "blocking", source = "test", quote = "test",
  check = function(s, p)
    if s.aanvraag.regio ~= "IJsselland" then return fail("aanvraag gewijzigd") end return pass("in orde")
  end,
}
