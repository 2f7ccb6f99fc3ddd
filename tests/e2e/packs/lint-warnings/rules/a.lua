rule {
  id = "W-01", title = "Bedrag binnen de limiet", severity = "blocking", source = "005 §2",
  quote = "kort",
  check = function(s, p)
    if (s.initiatief.gevraagd_bedrag or 0) > p.limiet then return fail("te hoog") end
    return pass()
  end,
}
