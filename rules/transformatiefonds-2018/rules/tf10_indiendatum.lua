-- TF-10: het plan is uiterlijk op de uiterste indiendatum ingediend.
-- Bron: de Spelregels Transformatiefonds (13 juni 2018), zoals samengevat in de onderzoeksnotitie
-- research/transformatiefonds.md; geen van de seeds noemt de termijn zelf.

-- Dagnummer van een datum "JJJJ-MM-DD" (proleptische Gregoriaanse kalender), om het aantal
-- dagen te laat te kunnen noemen. Naar H. Hinnant, "days_from_civil".
local function day_number(date)
  local y, m, d = date:match("^(%d%d%d%d)-(%d%d)-(%d%d)$")
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if m <= 2 then y = y - 1 end
  local era = y // 400
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = (153 * mp + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe
end

rule {
  id = "TF-10",
  title = "Het plan is op tijd ingediend",
  severity = "blocking",
  source = "research (Spelregels Transformatiefonds)",
  quote = "Deadline: 1 October 2018, plan and modelformulier together.",
  description = "De Spelregels Transformatiefonds (VWS en VNG, 13 juni 2018) zelf waren niet "
    .. "beschikbaar; de termijn komt uit de onderzoeksnotitie. IJmond dateerde het "
    .. "modelformulier 30 september 2018 (seed 000 Bijlage 1), Zuid-Holland Zuid 27 september "
    .. "2018 (seed 002 Bijlage 1).",
  check = function(s, p)
    local ingediend = s.aanvraag.ingediend
    local uiterst = p.uiterste_indiendatum
    if ingediend < uiterst then
      return pass(("Ingediend op %s, vóór de uiterste indiendatum %s.")
        :format(dutch_date(ingediend), dutch_date(uiterst)))
    elseif ingediend == uiterst then
      return pass(("Ingediend op %s, de uiterste indiendatum.")
        :format(dutch_date(ingediend)))
    end
    local late = day_number(ingediend) - day_number(uiterst)
    return fail(("Ingediend op %s, na de uiterste indiendatum %s (%d %s te laat). Plan en "
      .. "modelformulier moesten uiterlijk %s binnen zijn.")
      :format(dutch_date(ingediend), dutch_date(uiterst), late, late == 1 and "dag" or "dagen",
              dutch_date(uiterst)), path(s.aanvraag, "ingediend"))
  end,
}
