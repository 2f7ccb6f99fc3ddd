-- TF-04: minstens één activiteit werkt minstens één actielijn uit, en elk genoemd nummer is een
-- geldige actielijn (parameter actielijnen, standaard 1 t/m 6).
-- Bron: seed 000 hoofdstuk 1, "Voorwaarden Transformatiefonds".

-- "Activiteit 3 ('Integrale crisisdienst')", met een ingekort onderwerp.
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

local function join_nl(list)
  if #list <= 1 then return list[1] or "" end
  return table.concat(list, ", ", 1, #list - 1) .. " en " .. list[#list]
end

rule {
  id = "TF-04",
  title = "Het plan werkt minstens één actielijn uit",
  severity = "blocking",
  source = "000 ch. 1",
  quote = "Voorwaarde is dat een jeugdhulpregio in haar transformatieplan minimaal één van de "
    .. "actielijnen uitwerkt.",
  check = function(s, p)
    -- De geldige nummers als verzameling (één keer per beoordeling), en als tekst "1, 2 en 6"
    -- pas wanneer een bericht die nodig heeft.
    local allowed = {}
    for _, n in ipairs(p.actielijnen) do allowed[n] = true end
    local function valid_text()
      local valid = {}
      for _, n in ipairs(p.actielijnen) do valid[#valid + 1] = tostring(n) end
      return join_nl(valid)
    end

    local activities = s.activiteit or {}
    if #activities == 0 then
      return fail(("Het plan noemt geen activiteiten ([[activiteit]]), dus ook geen actielijn. "
        .. "Werk minstens één van de actielijnen %s uit in een activiteit."):format(valid_text()),
        "activiteit")
    end

    local f = findings()
    local named, used, without = 0, {}, {}
    for i, a in ipairs(activities) do
      local lines = a.actielijnen
      if lines == nil or #lines == 0 then
        without[#without + 1] = tostring(i)
      else
        named = named + 1
        for k, n in ipairs(lines) do
          if allowed[n] then
            used[n] = true
          else
            f:add(("%s noemt actielijn %d; die bestaat niet. Geldige actielijnen zijn %s.")
              :format(label(a, i), n, valid_text()), path(lines, k))
          end
        end
      end
    end
    if named == 0 then
      f:add(("Geen enkele activiteit noemt een actielijn. Geef bij minstens één activiteit aan "
        .. "welke actielijn (%s) zij uitwerkt, in actielijnen = [...]."):format(valid_text()),
        "activiteit")
    end
    if f:count() > 0 then return f:result("") end

    local list = {}
    for _, n in ipairs(p.actielijnen) do
      if used[n] then list[#list + 1] = tostring(n) end
    end
    local msg = ("Uitgewerkte actielijnen: %s (in %d van de %d activiteiten).")
      :format(join_nl(list), named, #activities)
    if #without > 0 then
      msg = msg .. (" Zonder actielijn: activiteit %s."):format(join_nl(without))
    end
    return pass(msg)
  end,
}
