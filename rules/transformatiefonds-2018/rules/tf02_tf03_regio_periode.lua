-- TF-02: de regio heeft een toewijzing uit het fonds (parameter allocaties).
-- TF-03: het plan beslaat ten minste periode_van tot en met periode_tot.
-- Bron: seed 000 hoofdstuk 1 ("Aanleiding", "Voorwaarden Transformatiefonds").

-- Regio's uit de parameters, op alfabet, voor een bericht.
local function known_regions(allocaties)
  local list = {}
  for name in pairs(allocaties) do list[#list + 1] = name end
  table.sort(list)
  return list
end

rule {
  id = "TF-02",
  title = "De regio heeft een toewijzing uit het Transformatiefonds",
  severity = "blocking",
  source = "000 ch. 1",
  quote = "Voor de jeugdzorgregio IJmond is gedurende de periode 2018 - 2020 jaarlijks een bedrag "
    .. "van € 301.291 aan transformatiebudget beschikbaar gesteld.",
  check = function(s, p)
    local regio = s.aanvraag.regio
    local amount = p.allocaties[regio]
    if amount ~= nil then
      return pass(("Regio %s: toewijzing %s per jaar."):format(regio, euro(amount)))
    end
    local names = known_regions(p.allocaties)
    -- Een bijna-goede schrijfwijze ("Ijmond", "midden-limburg west") krijgt een hint.
    local hint = ""
    for _, name in ipairs(names) do
      if string.lower(name) == string.lower(regio) then
        hint = (" Bedoelde u '%s'? Schrijf de naam precies zo."):format(name)
      end
    end
    return fail(("Regio '%s' heeft geen toewijzing in de parameters van dit pakket "
      .. "(allocaties).%s Bekende regio's: %s. Staat de regio er niet bij, dan is haar exacte "
      .. "bedrag nog niet vastgelegd: een beleidsmedewerker voegt het met bron toe aan "
      .. "params.toml.")
      :format(regio, hint, table.concat(names, ", ")), path(s.aanvraag, "regio"))
  end,
}

rule {
  id = "TF-03",
  title = "Het plan beslaat ten minste de periode 2018 tot en met 2020",
  severity = "blocking",
  source = "000 ch. 1",
  quote = "Hiertoe dient éénmalig een meerjarig transformatieplan opgesteld te worden voor ten "
    .. "minste de periode 2018 tot en met 2020.",
  check = function(s, p)
    local periode = s.aanvraag.periode
    if periode == nil then
      return fail(("De aanvraag noemt geen periode; het plan moet ten minste %d tot en met %d "
        .. "beslaan."):format(p.periode_van, p.periode_tot), "aanvraag.periode")
    end
    local van, tot = periode[1], periode[2]
    local problems = {}
    if van > p.periode_van then
      problems[#problems + 1] = ("het begint pas in %d in plaats van uiterlijk in %d")
        :format(van, p.periode_van)
    end
    if tot < p.periode_tot then
      problems[#problems + 1] = ("het eindigt al in %d in plaats van op zijn vroegst in %d")
        :format(tot, p.periode_tot)
    end
    if #problems > 0 then
      return fail(("Het plan beslaat %d tot en met %d, maar moet ten minste %d tot en met %d "
        .. "beslaan: %s.")
        :format(van, tot, p.periode_van, p.periode_tot, table.concat(problems, ", en ")),
        path(s.aanvraag, "periode"))
    end
    return pass(("Het plan beslaat %d tot en met %d."):format(van, tot))
  end,
}
