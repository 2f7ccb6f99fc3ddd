rule {
  id = "D-01", title = "Gevraagd bedrag binnen het maximum", severity = "blocking",
  source = "test", quote = "Een demo-regel voor meetlat diff.",
  check = function(s, p)
    local gevraagd = (s.initiatief or {}).gevraagd_bedrag or 0
    if gevraagd > p.max_bedrag then
      return fail(("Gevraagd %s, hoogstens %s."):format(euro(gevraagd), euro(p.max_bedrag)))
    end
    return pass(("Gevraagd %s, binnen %s."):format(euro(gevraagd), euro(p.max_bedrag)))
  end,
}
rule {
  id = "D-02", title = "Omschrijving lang genoeg", severity = "advisory",
  source = "test", quote = "Een demo-regel voor meetlat diff.",
  check = function(s, p)
    local n = words((s.initiatief or {}).omschrijving)
    if n < p.min_woorden then return fail(("%d woorden, minstens %d."):format(n, p.min_woorden)) end
    return pass(("%d woorden."):format(n))
  end,
}
