-- A pack full of mistakes, for `meetlat lint` (tests/e2e/cases/lint-bad-pack).
teller = 0
rule {
  id = "B-01", title = "Eerste", severity = "blocking", source = "005 §2", quote = "kort",
  check = function(s, p)
    if s.initiatief.gevraagd_bedrag > p.limit then
      return fail(euro(money.sun(s.initiatief.gevraagd_bedrag)))
    end
    return pas("ok")
  end,
}
