-- BG-02: subtotalen (of, zonder subtotalen, alle posten) plus onvoorzien tellen op tot het totaal.
-- BG-04: onvoorzien blijft binnen het percentage van de begroting.
-- Bron: seed 004, Bijlage 1: "Subtotaal", "Onvoorzien (ca 7,5%)", "Totaal".

-- Wat de begroting zonder onvoorzien per jaar optelt: de subtotalen als die er zijn, anders de
-- posten.
local function base_per_year(b)
  if count(b.subtotaal) > 0 then
    return money.per_year(b.subtotaal, "bedrag"), "subtotalen"
  end
  return money.per_year(b.post, "bedrag"), "posten"
end

-- Een percentage met twee decimalen, de Nederlandse manier: 10,52 %.
local function percent(part, whole)
  if whole == 0 then return "—" end
  local bp = (part * 10000 + whole // 2) // whole
  return ("%d,%02d %%"):format(bp // 100, bp % 100)
end

rule {
  id = "BG-02",
  title = "Subtotalen en onvoorzien tellen op tot het totaal",
  severity = "blocking",
  source = "004 Bijlage 1",
  quote = "Totaal € 1.569.758 € 761.100 € 457.013",
  check = function(s, p)
    local b = s.begroting
    if b == nil then return skip("De aanvraag heeft geen [begroting].") end
    if b.totaal == nil or count(b.totaal.bedrag) == 0 then
      return skip("De begroting noemt geen totaal; er is niets te controleren.")
    end
    local base, parts = base_per_year(b)
    local onvoorzien = (b.onvoorzien and b.onvoorzien.bedrag) or {}
    local f = findings()
    for _, year in ipairs(years(b.totaal.bedrag)) do
      local stated = b.totaal.bedrag[year]
      local sum = base[year] or 0
      local extra = onvoorzien[year] or 0
      if sum + extra ~= stated then
        f:add(("Totaal %d: vermeld %s, maar %s %s + onvoorzien %s = %s (verschil %s).")
          :format(year, euro(stated), parts, euro(sum), euro(extra), euro(sum + extra),
                  euro(math.abs(sum + extra - stated))),
          path(b.totaal.bedrag, year))
      end
    end
    return f:result("Het totaal is elk jaar gelijk aan de " .. parts .. " plus onvoorzien.")
  end,
}

rule {
  id = "BG-04",
  title = "Onvoorzien blijft binnen het percentage",
  severity = "advisory",
  source = "004 Bijlage 1",
  quote = "Onvoorzien (ca 7,5%) € 109.518 € 53.100 € 43.513",
  check = function(s, p)
    local b = s.begroting
    if b == nil then return skip("De aanvraag heeft geen [begroting].") end
    if b.onvoorzien == nil or count(b.onvoorzien.bedrag) == 0 then
      return skip("De begroting heeft geen post onvoorzien.")
    end
    local pct = p.max_onvoorzien_pct
    local base = base_per_year(b)
    local totaal = (b.totaal and b.totaal.bedrag) or {}
    local f = findings()
    for _, year in ipairs(years(b.onvoorzien.bedrag)) do
      local onv = b.onvoorzien.bedrag[year]
      -- De grondslag is het totaal min onvoorzien; zonder totaal de som van de onderdelen.
      local grond = totaal[year] and (totaal[year] - onv) or (base[year] or 0)
      local allowed = money.pct(grond, pct)
      if onv > allowed + 100 then
        f:add(("Onvoorzien %d: %s is %s van %s; toegestaan is hoogstens %s %% (%s) plus € 1 "
          .. "afronding, dus %s te veel.")
          :format(year, euro(onv), percent(onv, grond), euro(grond),
                  tostring(pct):gsub("%.", ","), euro(allowed), euro(onv - allowed)),
          path(b.onvoorzien.bedrag, year))
      end
    end
    return f:result(("Onvoorzien blijft elk jaar binnen %s %%."):format(
      (tostring(pct):gsub("%.", ","))))
  end,
}
