-- TF-07: elke activiteit volgt het vaste stramien: onderwerp, doel, monitoring, eindproducten en
-- partners zijn ingevuld.
-- TF-08: elke activiteit noemt haar bijdrage uit het fonds als bedrag (per jaar of voor de hele
-- periode); alleen een toelichting zoals "nader te bepalen" is niet genoeg.
-- Bron: seed 000 hoofdstuk 3 (stramien, "Financiën uit transformatiebudget") en seed 003
-- hoofdstuk 2 (ontwikkelvoorstellen: DOEL, MONITORING, TE BETREKKEN PARTIJEN, EINDPRODUCT,
-- FINANCIEN).

local function short(text, n)
  text = (text or ""):gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")
  local len = utf8.len(text)
  if len == nil or len <= n then return text end
  local cut = text:sub(1, utf8.offset(text, n + 1) - 1)
  local words = cut:match("^(.*%S)%s")
  if words ~= nil and #words > #cut // 2 then cut = words end
  return cut .. "…"
end

local function label(a, i)
  if filled(a.onderwerp) then
    return ("Activiteit %d ('%s')"):format(i, short(a.onderwerp, 60))
  end
  return ("Activiteit %d (zonder onderwerp)"):format(i)
end

-- Het stramien: de sleutels, en hoe een ontbrekend veld in een bericht heet.
local STRAMIEN = { "onderwerp", "doel", "monitoring", "eindproducten", "partners" }
local MISSING = {
  onderwerp = "geen onderwerp",
  doel = "geen doel",
  monitoring = "geen monitoring",
  eindproducten = "geen eindproducten",
  partners = "geen partners",
}

rule {
  id = "TF-07",
  title = "Elke activiteit volgt het stramien (onderwerp, doel, monitoring, eindproducten, "
    .. "partners)",
  severity = "advisory",
  source = "000 ch. 3; 003 ch. 2",
  quote = "Ieder onderwerp is middels een vast stramien uitgewerkt, waarmee we mede ingaan op de "
    .. "toetsingscriteria van het Transformatiefonds.",
  description = "Het stramien van seed 000 (Onderwerp, Doel/resultaten, Evaluatie en Monitoring, "
    .. "Eindproducten, Partners) en van de ontwikkelvoorstellen in seed 003 (DOEL, MONITORING, "
    .. "TE BETREKKEN PARTIJEN, EINDPRODUCT).",
  check = function(s, p)
    local activities = s.activiteit or {}
    if #activities == 0 then
      return skip("Het plan noemt geen activiteiten; TF-04 meldt dat.")
    end
    local f = findings()
    for i, a in ipairs(activities) do
      -- missing() geeft de sleutels van het stramien die niet filled() zijn, in deze volgorde.
      local absent = missing(a, STRAMIEN)
      if #absent > 0 then
        local texts, evidence = {}, {}
        for k, key in ipairs(absent) do
          texts[k] = MISSING[key]
          evidence[k] = path(a, key)
        end
        f:add(("%s: %s."):format(label(a, i), table.concat(texts, ", ")), evidence)
      end
    end
    return f:result(("Alle %d activiteiten hebben een onderwerp, doel, monitoring, eindproducten "
      .. "en partners."):format(#activities))
  end,
}

rule {
  id = "TF-08",
  title = "Elke activiteit noemt haar bijdrage als bedrag",
  severity = "advisory",
  source = "000 ch. 3; 003 ch. 2",
  quote = "Per activiteit is een raming opgenomen van de kosten.",
  description = "Seed 003 hoofdstuk 2 (GI-pilot): \"FINANCIEN nader te bepalen\" is geen bedrag.",
  check = function(s, p)
    local activities = s.activiteit or {}
    if #activities == 0 then
      return skip("Het plan noemt geen activiteiten; TF-04 meldt dat.")
    end
    local f = findings()
    for i, a in ipairs(activities) do
      local b = a.bijdrage
      local has_amount = type(b) == "number" or (type(b) == "table" and count(b) > 0)
      if not has_amount then
        local why
        if type(b) == "table" then
          why = "de bijdrage per jaar is leeg"
        elseif filled(a.bijdrage_toelichting) then
          why = ("geen bedrag, alleen de toelichting “%s”")
            :format(short(a.bijdrage_toelichting, 100))
        else
          why = "geen bedrag en geen toelichting"
        end
        f:add(("%s: %s."):format(label(a, i), why), path(a, "bijdrage"))
      end
    end
    return f:result(("Alle %d activiteiten noemen hun bijdrage als bedrag."):format(#activities))
  end,
}
