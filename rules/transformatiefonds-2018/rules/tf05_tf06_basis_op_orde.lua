-- TF-05: de vijf criteria van 'de basis op orde' zijn alle beantwoord; een 'nee' heeft een
-- toelichting van minstens min_woorden_toelichting woorden.
-- TF-06: geen criterium is met 'nee' beantwoord (aandachtspunt: de beoordelaar weegt een
-- gemotiveerd 'nee').
-- Bron: seed 000 Bijlage 2 (ingevuld format beoordelingscriteria) en seed 002 Bijlage 1.

-- De vijf criteria, in de volgorde en met de woorden van het format (seed 000 Bijlage 2).
local CRITERIA = {
  { key = "expertteam",
    text = "(boven)regionaal expertteam voor complexe zorgvragen" },
  { key = "wachttijden",
    text = "(proces)afspraken over de aanpak van wachtlijsten en wachttijden" },
  { key = "meerjarige_inkoop",
    text = "meerjarige inkoopcontracten" },
  { key = "informatievoorziening",
    text = "inkoopcontracten vertaald in de uitvoeringsvarianten van het programma "
      .. "Informatievoorziening Sociaal Domein" },
  { key = "visie_lokale_teams",
    text = "visie op de doorontwikkeling van de lokale teams" },
}

-- "criterium 2 'wachttijden' ((proces)afspraken over ...)"
local function label(i, c)
  return ("criterium %d '%s' (%s)"):format(i, c.key, c.text)
end

local function capital(text)
  return text:sub(1, 1):upper() .. text:sub(2)
end

local function short(text, n)
  text = (text or ""):gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")
  local len = utf8.len(text)
  if len == nil or len <= n then return text end
  local cut = text:sub(1, utf8.offset(text, n + 1) - 1)
  local words = cut:match("^(.*%S)%s")
  if words ~= nil and #words > #cut // 2 then cut = words end
  return cut .. "…"
end

rule {
  id = "TF-05",
  title = "De vijf criteria van 'de basis op orde' zijn beantwoord, een 'nee' met toelichting",
  severity = "blocking",
  source = "000 Bijlage 2; 002 Bijlage 1",
  quote = "Toelichting (verplicht indien antwoord nee is)",
  description = "Seed 002 Bijlage 1: \"Indien op onderstaande criteria een 'nee' wordt "
    .. "aangegeven, dient schriftelijk per criteria overtuigend gemotiveerd te worden waarom de "
    .. "jeugdzorgregio (nog) niet aan desbetreffende criteria voldoet, en dient te worden "
    .. "aangegeven op welke wijze de jeugdzorgregio alsnog aan desbetreffende criteria gaat "
    .. "voldoen.\"",
  check = function(s, p)
    local min = p.min_woorden_toelichting
    local b = s.basis_op_orde
    if b == nil then
      return fail(("[basis_op_orde] ontbreekt: geen van de vijf criteria van 'de basis op orde' "
        .. "is beantwoord (expertteam, wachttijden, meerjarige_inkoop, informatievoorziening, "
        .. "visie_lokale_teams). Geef per criterium voldaan = true (ja) of false (nee); bij "
        .. "'nee' een toelichting van minstens %d woorden."):format(min), "basis_op_orde")
    end
    local f = findings()
    local ja, nee = 0, {}
    for i, c in ipairs(CRITERIA) do
      local answer = b[c.key]
      if answer == nil then
        f:add(("%s ontbreekt. Geef voldaan = true (ja) of false (nee).")
          :format(capital(label(i, c))), path(b, c.key))
      elseif answer.voldaan == nil then
        f:add(("%s heeft geen antwoord. Geef voldaan = true (ja) of false (nee).")
          :format(capital(label(i, c))), path(answer, "voldaan"))
      elseif answer.voldaan then
        ja = ja + 1
      else
        local n = words(answer.toelichting)
        if n < min then
          f:add(("%s is met 'nee' beantwoord, maar de toelichting heeft %d %s; nodig zijn er "
            .. "minstens %d. Motiveer waarom de regio (nog) niet aan het criterium voldoet en "
            .. "hoe en wanneer zij er alsnog aan gaat voldoen.")
            :format(capital(label(i, c)), n, n == 1 and "woord" or "woorden", min),
            path(answer, "toelichting"))
        else
          nee[#nee + 1] = c.key
        end
      end
    end
    if f:count() > 0 then return f:result("") end
    if #nee == 0 then
      return pass("Alle vijf criteria zijn met 'ja' beantwoord.")
    end
    return pass(("Alle vijf criteria zijn beantwoord: %d × ja, %d × nee met toelichting (%s).")
      :format(ja, #nee, table.concat(nee, ", ")))
  end,
}

rule {
  id = "TF-06",
  title = "Geen criterium van 'de basis op orde' is met 'nee' beantwoord",
  severity = "advisory",
  source = "002 Bijlage 1",
  quote = "Indien op onderstaande criteria een 'nee' wordt aangegeven, dient schriftelijk per "
    .. "criteria overtuigend gemotiveerd te worden waarom de jeugdzorgregio (nog) niet aan "
    .. "desbetreffende criteria voldoet, en dient te worden aangegeven op welke wijze de "
    .. "jeugdzorgregio alsnog aan desbetreffende criteria gaat voldoen.",
  check = function(s, p)
    local b = s.basis_op_orde
    local answered = 0
    local f = findings()
    for i, c in ipairs(CRITERIA) do
      local answer = b and b[c.key]
      if answer ~= nil and answer.voldaan ~= nil then
        answered = answered + 1
        if answer.voldaan == false then
          local toelichting = filled(answer.toelichting)
            and (" Toelichting: “%s”."):format(short(answer.toelichting, 160))
            or " Er is geen toelichting."
          f:add(("%s is met 'nee' beantwoord.%s De beoordelaar weegt of de motivering "
            .. "overtuigt en of duidelijk is hoe en wanneer de regio alsnog gaat voldoen.")
            :format(capital(label(i, c)), toelichting), path(answer, "voldaan"))
        end
      end
    end
    if answered == 0 then
      return skip("Geen enkel criterium van 'de basis op orde' is beantwoord; TF-05 meldt wat "
        .. "er ontbreekt.")
    end
    return f:result(("Geen criterium is met 'nee' beantwoord (%d van de 5 beantwoord).")
      :format(answered))
  end,
}
