-- BG-03: uren per week × tarief × weken is het bedrag van de post.
-- BG-05: bedragen die de tekst noemt (uitspraken) stemmen overeen met de tabel.
-- Bron: seed 004, Bijlage 1 en de Toelichting bij de conceptbegroting (Uitgangspunten).

-- Getallen zoals een Nederlandse lezer ze schrijft: 2,5 en 24.
local function number_nl(x)
  if math.type(x) == "float" and x == math.floor(x) then x = math.tointeger(x) end
  return (tostring(x):gsub("%.", ","))
end

-- Weken voor een jaar: één getal voor elk jaar, of een tabel per jaar.
local function weeks_in(weken, year)
  if type(weken) == "table" then return weken[year] end
  return weken
end

-- "24 uur × € 110 × 46 weken"
local function describe(uren, tarief, weken)
  return ("%s uur × %s × %s weken"):format(number_nl(uren), euro(tarief), number_nl(weken))
end

-- Waar een verschil over gaat: het bedrag van dat jaar, of de post zelf als die geen bedrag
-- heeft (dan is {} geen deel van de aanvraag en heeft het geen sleutelpad).
local function where(post, year)
  if post.bedrag ~= nil then return path(post.bedrag, year) end
  return path(post, "bedrag")
end

local function post_label(post)
  if post.categorie then
    return ("'%s' (%s)"):format(post.omschrijving or "?", post.categorie)
  end
  return ("'%s'"):format(post.omschrijving or "?")
end

rule {
  id = "BG-03",
  title = "Uren × tarief × weken is het bedrag van de post",
  severity = "advisory",
  source = "004 Bijlage 1, Uitgangspunten",
  quote = "Voor de berekening van de te verwachten personele kosten wordt standaard uitgegaan "
    .. "van 46 werkbare weken op jaarbasis en € 95 per uur (exclusief BTW).",
  check = function(s, p)
    local b = s.begroting
    if b == nil then return skip("De aanvraag heeft geen [begroting].") end
    local f = findings()
    local checked = 0
    for _, post in ipairs(b.post or {}) do
      local calc = post.berekening
      if calc ~= nil then
        checked = checked + 1
        local bedrag = post.bedrag or {}
        if calc.uren_per_week == nil or calc.tarief == nil or calc.weken == nil then
          f:add(("Post %s: de berekening is onvolledig; geef uren_per_week, tarief en weken.")
            :format(post_label(post)), path(calc))
        else
          -- Een vast aantal weken geldt voor elk jaar waarin de post een bedrag heeft; dan is
          -- de uitkomst ook elk jaar dezelfde en rekenen we haar één keer uit.
          local per_year_weeks = type(calc.weken) == "table"
          local check_years = per_year_weeks and years(calc.weken) or years(bedrag)
          local same = not per_year_weeks and money.mul(calc.tarief, calc.uren_per_week, calc.weken)
          for _, year in ipairs(check_years) do
            local computed = same
              or money.mul(calc.tarief, calc.uren_per_week, weeks_in(calc.weken, year))
            local stated = bedrag[year] or 0
            if computed ~= stated then
              local weken = weeks_in(calc.weken, year)
              f:add(("Post %s %d: %s = %s, begroot is %s (verschil %s).")
                :format(post_label(post), year, describe(calc.uren_per_week, calc.tarief, weken),
                        euro(computed), euro(stated), euro(math.abs(computed - stated))),
                where(post, year))
            end
          end
        end
      end
    end
    if checked == 0 then
      return skip("Geen post in de begroting heeft een berekening (uren × tarief × weken).")
    end
    return f:result(("De berekening van alle %d posten met uren × tarief × weken klopt.")
      :format(checked))
  end,
}

-- The post an uitspraak is about: same omschrijving, within its categorie when it names one
-- (find_all ignores case and spaces at the edges; a categorie of nil sets no condition).
local function find_post(b, u)
  local found = find_all(b.post, "omschrijving", u.post or "", "categorie", u.categorie)
  return found[1], #found
end

-- De bedragen die een tekst noemt, gelezen met nl.zoek_bedrag (plugin nl: "€ 10.000",
-- "€ 1.082.131,50"). Een bedrag direct na "a" of "à", of gevolgd door "per ..." of "/..."
-- (anders dan per jaar), is een tarief ("a € 95", "€ 4.000 per bijeenkomst"), geen bedrag van
-- een post: zo'n bedrag telt niet mee.
local function amounts_in(text)
  local totals = {}
  local init = 1
  while true do
    local cents, first, last = nl.zoek_bedrag(text, init)
    if cents == nil then return totals end
    local before = string.sub(text, math.max(1, first - 4), first - 1)
    local after = string.sub(text, last + 1, last + 24)
    local unit = string.match(after, "^%s*per%s+(%a+)") or string.match(after, "^%s*/%s*(%a+)")
    local rate = string.match(before, "%sa%s*$") ~= nil or string.match(before, "à%s*$") ~= nil
      or (unit ~= nil and unit ~= "jaar")
    if not rate then totals[#totals + 1] = cents end
    init = last + 1
  end
end

-- De tekst van een uitspraak, voor in een bericht (alleen als er iets te melden is).
local function quoted_text(u)
  return u.tekst and (" Tekst: “" .. u.tekst .. "”") or ""
end

local function euros(list)
  local shown = {}
  for i, cents in ipairs(list) do shown[i] = nl.euro(cents) end
  return table.concat(shown, " en ")
end

rule {
  id = "BG-05",
  title = "Bedragen in de tekst stemmen overeen met de begroting",
  severity = "advisory",
  source = "004 Bijlage 1 en Toelichting bij de conceptbegroting",
  quote = "De kwartiermaker maakt gebruik van ondersteuning vanuit de afdeling communicatie, "
    .. "financiën (4 uur per week a € 95 = € 10.000) en secretariaat RSJ-IJsselland "
    .. "(16 uur per week a € 35 = € 25.760).",
  check = function(s, p)
    local b = s.begroting
    if b == nil then return skip("De aanvraag heeft geen [begroting].") end
    if count(b.uitspraak) == 0 then
      return skip("De begroting bevat geen uitspraken uit de tekst om te vergelijken.")
    end
    local f = findings()
    for _, u in ipairs(b.uitspraak) do
      local post, n = find_post(b, u)
      -- Het bedrag van een uitspraak is overgenomen uit haar tekst: de tekst moet het noemen.
      if u.tekst ~= nil and u.bedrag ~= nil then
        local named = amounts_in(u.tekst)
        if #named > 0 and not contains(named, u.bedrag) then
          f:add(("Uitspraak over post '%s': de tekst noemt %s, maar bij de uitspraak staat %s. "
            .. "Neem het bedrag over zoals het in de tekst staat.%s")
            :format(u.post or "?", euros(named), euro(u.bedrag), quoted_text(u)), path(u, "bedrag"))
        end
      end
      if post == nil then
        f:add(("Uitspraak over post '%s'%s: zo'n post staat niet in de begroting.%s")
          :format(u.post or "?", u.categorie and (" (" .. u.categorie .. ")") or "",
                  quoted_text(u)),
          path(u, "post"))
      elseif n > 1 then
        f:add(("Uitspraak over post '%s': %d posten heten zo; noem de categorie.%s")
          :format(u.post, n, quoted_text(u)), path(u))
      else
        local bedrag = post.bedrag or {}
        local compared, what
        if u.totaal then
          compared, what = money.sum(bedrag), "over alle jaren samen"
        else
          local year = u.jaar or years(bedrag)[1]
          compared = year and bedrag[year] or 0
          what = year
        end
        if u.bedrag ~= nil and u.bedrag ~= compared then
          -- what: "over alle jaren samen", or the year compared (nil: the post has no amount).
          if math.type(what) == "integer" then
            what = "in " .. what
          elseif what == nil then
            what = "(de post heeft geen bedrag)"
          end
          f:add(("Uitspraak over post %s: de tekst noemt %s, de begroting %s %s (verschil %s).%s")
            :format(post_label(post), euro(u.bedrag), euro(compared), what,
                    euro(math.abs(compared - u.bedrag)), quoted_text(u)),
            path(u, "bedrag"))
        end
        local calc = u.berekening
        if calc ~= nil and u.bedrag ~= nil then
          local year = u.jaar or years(bedrag)[1]
          local weken = calc.weken ~= nil and weeks_in(calc.weken, year)
            or (post.berekening and weeks_in(post.berekening.weken, year))
          if calc.uren_per_week == nil or calc.tarief == nil or weken == nil then
            f:add(("Uitspraak over post %s: de berekening in de tekst is niet na te rekenen "
              .. "(uren, tarief of weken ontbreekt).%s"):format(post_label(post), quoted_text(u)),
              path(calc))
          else
            local computed = money.mul(calc.tarief, calc.uren_per_week, weken)
            if computed ~= u.bedrag then
              f:add(("Uitspraak over post %s: de berekening in de tekst (%s) geeft %s, niet %s."
                .. "%s"):format(post_label(post), describe(calc.uren_per_week, calc.tarief, weken),
                                euro(computed), euro(u.bedrag), quoted_text(u)),
                path(u, "berekening"))
            end
          end
        end
      end
    end
    return f:result(("Alle %d uitspraken in de tekst stemmen overeen met de begroting.")
      :format(count(b.uitspraak)))
  end,
}
