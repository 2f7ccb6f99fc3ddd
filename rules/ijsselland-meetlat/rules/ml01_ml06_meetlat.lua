-- ML-01 .. ML-06: de zes vragen van de meetlat (seed 004 §4.4). Per vraag zegt het bericht welk
-- deel van het antwoord ontbreekt: geen keuze, een onbekende waarde (met de toegestane waarden),
-- of een te korte toelichting (met het aantal woorden en het minimum).
-- De toegestane waarden staan in params.toml, zodat beleidsmedewerkers ze kunnen aanvullen.

-- "gezond, veilig, kansrijk" uit een lijst (ook een parameterlijst).
local function list_text(list)
  local out = {}
  for _, v in ipairs(list or {}) do out[#out + 1] = v end
  return table.concat(out, ", ")
end

-- Vergelijkbare schrijfwijze: kleine letters, spaties en '_' als '-'.
local function norm(text)
  return (string.lower(text):gsub("^%s+", ""):gsub("%s+$", ""):gsub("[%s_]+", "-"))
end

-- " (bedoelde u 'veilig'?)" bij een bijna-goede waarde, anders "".
local function suggestion(value, allowed)
  local v = norm(value)
  if v == "" then return "" end
  for _, a in ipairs(allowed) do
    if norm(a) == v then return (" (bedoelde u '%s'?)"):format(a) end
  end
  if #v >= 4 then
    for _, a in ipairs(allowed) do
      if a:sub(1, #v) == v or v:sub(1, #a) == a then
        return (" (bedoelde u '%s'?)"):format(a)
      end
    end
  end
  return ""
end

-- Voegt een bevinding toe als de toelichting te kort is.
local function check_toelichting(f, answer, min)
  local n = words(answer.toelichting)
  if n >= min then return end
  if n == 0 then
    f:add(("De toelichting ontbreekt; nodig is een toelichting van minstens %d woorden.")
      :format(min), path(answer, "toelichting"))
  else
    f:add(("De toelichting heeft %d %s; nodig zijn er minstens %d.")
      :format(n, n == 1 and "woord" or "woorden", min), path(answer, "toelichting"))
  end
end

-- Het antwoord op een vraag, of een fail die zegt dat de vraag niet is beantwoord. `what()` geeft
-- de uitleg wat er gevraagd wordt; die is alleen nodig als het antwoord ontbreekt.
local function answer_of(s, key, number, what)
  local m = s.meetlat
  local a = m and m[key]
  if a ~= nil then return a, nil end
  local where = m == nil and "de aanvraag heeft geen [meetlat]"
    or ("[meetlat] heeft geen %s"):format(key)
  return nil, fail(("Vraag %d is niet beantwoord: %s. %s")
    :format(number, where, what()), "meetlat." .. key)
end

-- Vraag 1 en 2: een lijst 'bijdragen' met waarden uit `allowed`, plus een toelichting.
local function check_bijdragen(s, p, key, number, allowed, what)
  local min = p.min_woorden_toelichting
  local answer, missing = answer_of(s, key, number, function()
    return ("Noem in bijdragen minstens één van %s, met een toelichting van minstens %d woorden.")
      :format(list_text(allowed), min)
  end)
  if answer == nil then return missing end
  local f = findings()
  local chosen, seen = {}, {}
  for i, value in ipairs(answer.bijdragen or {}) do
    if contains(allowed, value) then
      if not seen[value] then chosen[#chosen + 1] = value end
      seen[value] = true
    elseif filled(value) then
      f:add(("Onbekende waarde '%s'%s; toegestaan zijn: %s.")
        :format(value, suggestion(value, allowed), list_text(allowed)),
        path(answer.bijdragen, i))
    end
  end
  if #chosen == 0 and f:count() == 0 then
    f:add(("Geen waarde gekozen: noem in bijdragen minstens één van %s.")
      :format(list_text(allowed)), path(answer, "bijdragen"))
  end
  check_toelichting(f, answer, min)
  return f:result(("%s: %s."):format(what, table.concat(chosen, ", ")))
end

-- Vraag 5 en 6: antwoord = true, plus een toelichting. `yes` en `no` zeggen wat het antwoord
-- betekent: "draagt bij aan ..." en "draagt niet bij aan ...".
local function check_ja(s, p, key, number, yes, no)
  local min = p.min_woorden_toelichting
  local answer, missing = answer_of(s, key, number, function()
    return ("Geef antwoord = true of false, met een toelichting van minstens %d woorden.")
      :format(min)
  end)
  if answer == nil then return missing end
  local f = findings()
  if answer.antwoord == nil then
    f:add(("Geen antwoord gekozen: geef antwoord = true (ja) of false (nee) op de vraag of het "
      .. "initiatief %s."):format(yes), path(answer, "antwoord"))
  elseif answer.antwoord == false then
    f:add(("Het antwoord is 'nee' (antwoord = false): volgens de aanvraag %s het initiatief "
      .. "niet %s. Dan voldoet het niet aan de meetlat; pas het idee daarop aan voordat het "
      .. "verder wordt uitgewerkt."):format(no[1], no[2]), path(answer, "antwoord"))
  end
  check_toelichting(f, answer, min)
  return f:result(("Ja, met een toelichting van %d woorden."):format(words(answer.toelichting)))
end

rule {
  id = "ML-01",
  title = "Vraag 1: draagt bij aan de stip op de horizon (gezond, veilig, kansrijk opgroeien)",
  severity = "blocking",
  source = "004 §4.4 q1, §2",
  quote = "1. Draagt het idee/initiatief bij aan het bereiken van de stip op de horizon (zie 2)?",
  description = "Seed 004 §2: \"De elf gemeenten in de regio IJsselland streven naar een situatie "
    .. "waar 1. Ieder kind gezond opgroeit 2. Ieder kind veilig opgroeit 3. Ieder kind kansrijk "
    .. "opgroeit\"",
  check = function(s, p)
    return check_bijdragen(s, p, "stip_op_de_horizon", 1, p.stip_op_de_horizon,
                           "Draagt bij aan")
  end,
}

rule {
  id = "ML-02",
  title = "Vraag 2: draagt bij aan de bestuurlijke doelstellingen",
  severity = "blocking",
  source = "004 §4.4 q2, §1.2.2",
  quote = "2. Draagt het idee/initiatief bij aan het bereiken van de bestuurlijke doelstellingen "
    .. "(zie 1.2.2)?",
  description = "Seed 004 §1.2.2: \"1. Normaliseren van jeugdhulp in de regio\", \"2. Beheersing "
    .. "van de (lokale) uitgaven\", \"3. Administratieve lastenverlichting\", \"4. Versterken van "
    .. "het vertrouwen in professionals\".",
  check = function(s, p)
    return check_bijdragen(s, p, "bestuurlijke_doelen", 2, p.bestuurlijke_doelen,
                           "Draagt bij aan")
  end,
}

rule {
  id = "ML-03",
  title = "Vraag 3: draagt bij aan ambulantisering of aan kennisdeling over jeugdhulp en onderwijs",
  severity = "blocking",
  source = "004 §4.4 q3",
  quote = "3. Draagt het idee/initiatief bij aan het (regionale) transformatiethema "
    .. "ambulantisering of draagt het idee/initiatief bij aan het verbreden en delen van de "
    .. "kennis over het (meer lokale) transformatiethema 'Verbinding jeugdhulp en onderwijs'?",
  check = function(s, p)
    local min = p.min_woorden_toelichting
    local allowed = p.transformatiethemas
    local answer, missing = answer_of(s, "transformatiethema", 3, function()
      return ("Kies in bijdrage één van %s, met een toelichting van minstens %d woorden.")
        :format(list_text(allowed), min)
    end)
    if answer == nil then return missing end
    local f = findings()
    local value = answer.bijdrage
    if not filled(value) then
      f:add(("Geen thema gekozen: kies in bijdrage één van %s.")
        :format(list_text(allowed)), path(answer, "bijdrage"))
    elseif value == "geen" then
      f:add(("Het antwoord is 'geen': volgens de aanvraag draagt het initiatief niet bij aan "
        .. "ambulantisering en niet aan het verbreden en delen van kennis over verbinding "
        .. "jeugdhulp en onderwijs. Dan voldoet het niet aan de meetlat; toegestaan zijn: %s.")
        :format(list_text(allowed)), path(answer, "bijdrage"))
    elseif not contains(allowed, value) then
      f:add(("Onbekende waarde '%s'%s; toegestaan zijn: %s.")
        :format(value, suggestion(value, allowed), list_text(allowed)), path(answer, "bijdrage"))
    end
    check_toelichting(f, answer, min)
    return f:result(("Draagt bij aan: %s."):format(tostring(value)))
  end,
}

rule {
  id = "ML-04",
  title = "Vraag 4: het idee is nieuw, of er zijn voorbeelden in andere jeugdregio's",
  severity = "advisory",
  source = "004 §4.4 q4",
  quote = "4. Is het idee/initiatief nieuw of zijn er voorbeelden van in andere jeugdregio's?",
  check = function(s, p)
    local answer, missing = answer_of(s, "nieuw", 4, function()
      return "Geef nieuw = true als het idee nieuw is, of noem in voorbeelden_elders de "
        .. "jeugdregio's waar het al gebeurt."
    end)
    if answer == nil then return missing end
    local examples = {}
    for _, v in ipairs(answer.voorbeelden_elders or {}) do
      if filled(v) then examples[#examples + 1] = v end
    end
    local learn = #examples > 0 and ("Leer van: %s."):format(table.concat(examples, ", ")) or nil
    if answer.nieuw == true then
      return pass(learn and ("Het idee is nieuw. " .. learn) or "Het idee is nieuw.")
    end
    if learn then return pass(learn) end
    if answer.nieuw == false then
      return fail("Het idee is niet nieuw (nieuw = false), maar de aanvraag noemt geen "
        .. "voorbeelden in andere jeugdregio's. Noem in voorbeelden_elders waar het al gebeurt, "
        .. "zodat de regio daarvan kan leren.", path(answer, "voorbeelden_elders"))
    end
    return fail("Niet ingevuld of het idee nieuw is, en er zijn geen voorbeelden in andere "
      .. "jeugdregio's genoemd. Geef nieuw = true, of noem in voorbeelden_elders waar het al "
      .. "gebeurt.", path(answer, "nieuw"))
  end,
}

rule {
  id = "ML-05",
  title = "Vraag 5: draagt bij aan lerend samenwerken in het brede sociale domein",
  severity = "blocking",
  source = "004 §4.4 q5",
  quote = "5. Draagt het idee/initiatief bij aan het lerend samenwerken binnen het brede sociale "
    .. "domein?",
  check = function(s, p)
    return check_ja(s, p, "lerend_samenwerken", 5,
                    "draagt bij aan het lerend samenwerken binnen het brede sociale domein",
                    { "draagt", "bij aan het lerend samenwerken binnen het brede sociale domein" })
  end,
}

rule {
  id = "ML-06",
  title = "Vraag 6: sluit aan bij positieve gezondheid",
  severity = "blocking",
  source = "004 §4.4 q6, §2",
  quote = "6. Sluit het idee/initiatief aan bij het principe van werken vanuit positieve "
    .. "gezondheid en/of van ziekte en zorg naar gezondheid en gedrag?",
  description = "Seed 004 §2: \"‘Gezond opgroeien’ gaat uit van de definitie van positieve "
    .. "gezondheid\"; \"De beweging van ziekte en zorg naar gezondheid en gedrag\".",
  check = function(s, p)
    return check_ja(s, p, "positieve_gezondheid", 6,
                    "sluit aan bij werken vanuit positieve gezondheid en/of van ziekte en zorg "
                      .. "naar gezondheid en gedrag",
                    { "sluit", "aan bij werken vanuit positieve gezondheid en/of van ziekte en "
                      .. "zorg naar gezondheid en gedrag" })
  end,
}
