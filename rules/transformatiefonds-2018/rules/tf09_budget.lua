-- TF-09: de bijdragen blijven binnen de toewijzing van de regio: per jaar van de periode, en
-- alles samen (een bedrag voor de hele periode telt alleen mee in het totaal) binnen de
-- toewijzing maal het aantal jaren van de periode.
-- Bron: seed 000 hoofdstuk 3, Toelichting ("Het totaal sluit aan op ... beschikbaar gestelde
-- budget").

local function short(text, n)
  text = (text or ""):gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")
  local len = utf8.len(text)
  if len == nil or len <= n then return text end
  local cut = text:sub(1, utf8.offset(text, n + 1) - 1)
  local words = cut:match("^(.*%S)%s")
  if words ~= nil and #words > #cut // 2 then cut = words end
  return cut .. "…"
end

-- "activiteit 3 'Integrale crisisdienst' € 15.000"
local function contribution(item)
  local a = item.activity
  local name = filled(a.onderwerp) and (" '%s'"):format(short(a.onderwerp, 45)) or ""
  return ("activiteit %d%s %s"):format(item.index, name, euro(item.amount))
end

local function list_contributions(items)
  local parts = {}
  for _, item in ipairs(items) do parts[#parts + 1] = contribution(item) end
  return table.concat(parts, "; ")
end

rule {
  id = "TF-09",
  title = "De bijdragen blijven binnen de toewijzing van de regio",
  severity = "advisory",
  source = "000 ch. 3",
  quote = "Het totaal sluit aan op het door het Transformatiefonds voor onze regio beschikbaar "
    .. "gestelde budget van € 301.291 per jaar en in totaal € 903.873.",
  check = function(s, p)
    local regio = s.aanvraag.regio
    local allocation = p.allocaties[regio]
    if allocation == nil then
      return skip(("Voor regio '%s' is geen toewijzing bekend (zie TF-02), dus de som van de "
        .. "bijdragen kan niet tegen de toewijzing worden getoetst."):format(regio))
    end
    local periode = s.aanvraag.periode
    if periode == nil then
      return skip("De aanvraag noemt geen periode; zonder jaren is er niets op te tellen.")
    end
    local van, tot = periode[1], periode[2]
    local n_years = tot - van + 1

    -- Per jaar de som; een bedrag voor de hele periode (bijdrage = 70000) telt apart. Welke
    -- activiteiten bijdragen, met hun plaats in de aanvraag, zoeken we pas op als een jaar te
    -- hoog uitkomt: bij een plan dat klopt is dat werk voor niets.
    local activities = s.activiteit or {}
    local per_year, single_sum = money.per_year(activities, "bijdrage")
    local total, outside = single_sum, 0
    for year, amount in pairs(per_year) do
      total = total + amount
      if year < van or year > tot then outside = outside + amount end
    end

    -- De activiteiten met één bedrag voor de hele periode, voor in een bericht.
    local function singles()
      local items = {}
      for i, a in ipairs(activities) do
        if type(a.bijdrage) == "number" then
          items[#items + 1] = { index = i, activity = a, amount = a.bijdrage }
        end
      end
      return items
    end

    -- De bijdragen van één jaar, in de volgorde van het plan.
    local function items_in(year)
      local items = {}
      for i, a in ipairs(activities) do
        local b = a.bijdrage
        if type(b) == "table" and b[year] ~= nil then
          items[#items + 1] = { index = i, activity = a, amount = b[year], path = path(b, year) }
        end
      end
      return items
    end

    local f = findings()
    for year = van, tot do
      local sum = per_year[year] or 0
      if sum > allocation then
        local items = items_in(year)
        local evidence = {}
        for _, item in ipairs(items) do evidence[#evidence + 1] = item.path end
        f:add(("%d: de activiteiten vragen samen %s, de toewijzing is %s per jaar: %s te veel. "
          .. "Bijdragen %d: %s.")
          :format(year, euro(sum), euro(allocation), euro(sum - allocation), year,
                  list_contributions(items)), evidence)
      end
    end

    local limit = allocation * n_years
    if total > limit then
      local parts = {}
      if total - single_sum > 0 then
        parts[#parts + 1] = ("%s in bedragen per jaar"):format(euro(total - single_sum))
      end
      if single_sum > 0 then
        parts[#parts + 1] = ("%s in bedragen voor de hele periode: %s")
          :format(euro(single_sum), list_contributions(singles()))
      end
      local buiten = outside > 0
        and (" Van de bedragen per jaar valt %s in jaren buiten de periode %d–%d.")
          :format(euro(outside), van, tot)
        or ""
      f:add(("Totaal %d–%d: alle bijdragen samen %s, de toewijzing over %d jaar is %d × %s = "
        .. "%s: %s te veel. Daarvan %s.%s")
        :format(van, tot, euro(total), n_years, n_years, euro(allocation), euro(limit),
                euro(total - limit), table.concat(parts, ", en "), buiten), "activiteit")
    end

    if f:count() > 0 then
      -- Wat te doen, één keer, na de bevindingen.
      f:add("Breng de bijdragen terug tot binnen de toewijzing, of licht toe uit welke andere "
        .. "middelen het verschil wordt betaald.")
    end
    return f:result(("Elk jaar %d–%d en in totaal binnen de toewijzing van %s per jaar: samen %s "
      .. "van %s.")
      :format(van, tot, euro(allocation), euro(total), euro(limit)))
  end,
}
