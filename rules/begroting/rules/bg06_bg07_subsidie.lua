-- BG-06: de subsidie raakt aan het eind van geen enkel begrotingsjaar uitgeput.
-- BG-07: elk vermeld saldo is gelijk aan het berekende saldo.
-- Bron: seed 004, Bijlage 1, "Uitnutting subsidie Transformatiefonds".

-- Jaren van de begroting: begroting.jaren, anders de jaren van het totaal.
local function budget_years(b)
  if count(b.jaren) > 0 then
    local list = {}
    for _, y in ipairs(b.jaren) do list[#list + 1] = y end
    table.sort(list)
    return list
  end
  return years(b.totaal and b.totaal.bedrag)
end

-- Saldo aan het eind van elk begrotingsjaar: toegekend − vooraf besteed − cumulatief totaal.
local function balances(s)
  local sub, b = s.subsidie, s.begroting
  local start = (sub.toegekend or 0) - (sub.besteed_voor_begroting or 0)
  local totaal = (b.totaal and b.totaal.bedrag) or {}
  local result, balance = {}, start
  local list = budget_years(b)
  for _, year in ipairs(list) do
    balance = balance - (totaal[year] or 0)
    result[year] = balance
  end
  if #list > 0 then result[list[1] - 1] = start end
  return result, list, start
end

rule {
  id = "BG-06",
  title = "De subsidie raakt niet uitgeput",
  severity = "blocking",
  source = "004 Bijlage 1, Uitnutting subsidie Transformatiefonds",
  quote = "Subsidie € 3.246.393 Realisatie 2019: € 458.522",
  check = function(s, p)
    if s.subsidie == nil then return skip("De aanvraag heeft geen [subsidie].") end
    if s.begroting == nil then return skip("De aanvraag heeft geen [begroting].") end
    if s.subsidie.toegekend == nil then
      return fail("[subsidie] noemt geen toegekend bedrag; het saldo is niet te berekenen.",
                  path(s.subsidie, "toegekend"))
    end
    local per_year, list = balances(s)
    local f = findings()
    for _, year in ipairs(list) do
      if per_year[year] < 0 then
        f:add(("Eind %d is het saldo %s: de begroting besteedt %s meer dan er beschikbaar is "
          .. "(toegekend %s, vóór de begroting besteed %s).")
          :format(year, euro(per_year[year]), euro(-per_year[year]), euro(s.subsidie.toegekend),
                  euro(s.subsidie.besteed_voor_begroting or 0)),
          path(s.begroting.totaal and s.begroting.totaal.bedrag or s.begroting, year))
      end
    end
    if #list == 0 then return skip("De begroting heeft geen jaren en geen totaal.") end
    return f:result(("Het saldo blijft aan het eind van elk jaar nul of hoger; eind %d resteert %s.")
      :format(list[#list], euro(per_year[list[#list]])))
  end,
}

rule {
  id = "BG-07",
  title = "Het vermelde saldo klopt met de begroting",
  severity = "advisory",
  source = "004 Bijlage 1, Uitnutting subsidie Transformatiefonds",
  quote = "31-12-2019 € 2.787.871 31-12-2020 € 1.218.113 31-12-2021 € 457.013 1-7-2022 € 0",
  check = function(s, p)
    if s.subsidie == nil then return skip("De aanvraag heeft geen [subsidie].") end
    if s.begroting == nil then return skip("De aanvraag heeft geen [begroting].") end
    if count(s.subsidie.saldo) == 0 then
      return skip("[subsidie] vermeldt geen saldo per jaar.")
    end
    local per_year = balances(s)
    local f = findings()
    for _, year in ipairs(years(s.subsidie.saldo)) do
      local stated = s.subsidie.saldo[year]
      local computed = per_year[year]
      if computed == nil then
        f:add(("Saldo %d: dat jaar valt buiten de begroting; er is niets mee te vergelijken.")
          :format(year), path(s.subsidie.saldo, year))
      elseif computed ~= stated then
        f:add(("Saldo eind %d: vermeld %s, berekend %s (verschil %s).")
          :format(year, euro(stated), euro(computed), euro(math.abs(computed - stated))),
          path(s.subsidie.saldo, year))
      end
    end
    return f:result("Elk vermeld saldo is gelijk aan het berekende saldo.")
  end,
}
