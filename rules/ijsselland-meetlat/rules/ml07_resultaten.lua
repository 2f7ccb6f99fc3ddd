-- ML-07: de beoogde resultaten zijn benoemd en er is een nulmeting.
-- Bron: seed 004 §4.4 ("Voordat er gestart wordt met het uitvoeren van het idee worden de
-- beoogde resultaten benoemd.") en §4.5 (nulmeting).

rule {
  id = "ML-07",
  title = "Beoogde resultaten en nulmeting zijn benoemd",
  severity = "advisory",
  source = "004 §4.4, §4.5",
  quote = "Bij de keuze voor wel of niet voortzetten van projecten en het starten van nieuwe "
    .. "projecten zullen vooraf beoogde resultaten worden beschreven. We geven richting aan de "
    .. "bedoeling door een nulmeting te doen en aan te geven waar we naartoe willen werken.",
  description = "Seed 004 §4.4: \"Voordat er gestart wordt met het uitvoeren van het idee worden "
    .. "de beoogde resultaten benoemd.\"",
  check = function(s, p)
    local ini = s.initiatief
    if ini == nil then
      return fail("De aanvraag heeft geen [initiatief]: de beoogde resultaten en de nulmeting "
        .. "ontbreken. Benoem vóór de start wat het initiatief moet opleveren "
        .. "(beoogde_resultaten) en hoe de situatie nu is (nulmeting).", "initiatief")
    end
    local f = findings()
    if not filled(ini.beoogde_resultaten) then
      f:add("De beoogde resultaten ontbreken: benoem vóór de start wat het initiatief moet "
        .. "opleveren (beoogde_resultaten = [\"...\"]).", path(ini, "beoogde_resultaten"))
    end
    if not filled(ini.nulmeting) then
      f:add("De nulmeting ontbreekt: beschrijf hoe de situatie nu is, zodat te meten is wat het "
        .. "initiatief verandert (bijvoorbeeld met cijfers uit de RIJM of van de GGD "
        .. "IJsselland).", path(ini, "nulmeting"))
    end
    local n = 0
    for _, r in ipairs(ini.beoogde_resultaten or {}) do
      if filled(r) then n = n + 1 end
    end
    return f:result(("%d %s benoemd en een nulmeting gegeven.")
      :format(n, n == 1 and "beoogd resultaat" or "beoogde resultaten"))
  end,
}
