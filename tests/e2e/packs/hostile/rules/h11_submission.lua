rule { id = "H-11", title = "Aanvraag wijzigen", severity = "blocking", source = "test", quote = "test",
  check = function(s, p)
    s.aanvraag.regio = "Elders" return pass()
  end,
}
