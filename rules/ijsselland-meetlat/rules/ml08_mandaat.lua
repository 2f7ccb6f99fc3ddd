-- ML-08: het gevraagde bedrag past in wat er over is van het uitvoeringsbudget van het thema:
-- dan valt het binnen het mandaat van de kwartiermaker; anders is bestuurlijke instemming via
-- de GR-route nodig.
-- Bron: seed 004 §3.3 (handelingsbevoegdheid en uitvoeringsbudget van de kwartiermaker, de
-- GR-route), §4.4 (mandaat "binnen het uitvoeringsbudget") en Bijlage 1, Toelichting bij de
-- conceptbegroting (de bedragen, in params.toml).

-- "ambulantisering (€ 300.000) en verbinding-jeugdhulp-onderwijs (€ 250.000)"
local function budgets_text(budgets)
  local names = {}
  for name in pairs(budgets) do names[#names + 1] = name end
  table.sort(names)
  local parts = {}
  for _, name in ipairs(names) do
    parts[#parts + 1] = ("%s (%s)"):format(name, euro(budgets[name]))
  end
  if #parts <= 1 then return parts[1] or "geen enkel thema" end
  return table.concat(parts, ", ", 1, #parts - 1) .. " en " .. parts[#parts]
end

rule {
  id = "ML-08",
  title = "Het gevraagde bedrag valt binnen het mandaat van de kwartiermaker",
  severity = "advisory",
  source = "004 §3.3, §4.4",
  quote = "Beslissingen die om een bestuurlijke instemming vragen zullen via de GR-route op de "
    .. "agenda van het bestuurlijk overleg komen.",
  description = "Seed 004 §3.3: \"Om snel en adequaat op de ontwikkelingen in te kunnen spelen "
    .. "heeft de kwartiermaker handelingsbevoegdheid.\" §4.4: \"De kwartiermaker krijgt het "
    .. "mandaat om binnen het uitvoeringsbudget en waar nodig in afstemming met de betrokken "
    .. "bestuurlijk trekkers te starten met de uitvoering.\" Bijlage 1, Toelichting: \"een "
    .. "uitvoeringsbudget uitgetrokken van € 300.000 totaal\" (ambulantisering) en \"een "
    .. "uitvoeringsbudget uitgetrokken van € 250.000\" (verbinding jeugdhulp en onderwijs).",
  check = function(s, p)
    local ini = s.initiatief
    local thema = ini and ini.thema
    local gevraagd = ini and ini.gevraagd_bedrag
    local missing, evidence = {}, {}
    if not filled(thema) then
      missing[#missing + 1] = "het thema (initiatief.thema)"
      evidence[#evidence + 1] = "initiatief.thema"
    end
    if gevraagd == nil then
      missing[#missing + 1] = "het gevraagde bedrag (initiatief.gevraagd_bedrag)"
      evidence[#evidence + 1] = "initiatief.gevraagd_bedrag"
    end
    if #missing > 0 then
      return fail(("Niet te bepalen of het initiatief binnen het mandaat van de kwartiermaker "
        .. "valt: de aanvraag noemt niet %s. Vul dit aan in [initiatief].")
        :format(table.concat(missing, " en niet ")), evidence)
    end

    local budget = p.uitvoeringsbudget[thema]
    if budget == nil then
      return fail(("Thema '%s' heeft geen uitvoeringsbudget; alleen %s hebben er een. Het "
        .. "gevraagde bedrag van %s valt daarom buiten het mandaat van de kwartiermaker: "
        .. "bestuurlijke instemming via de GR-route (bestuurlijk overleg) is nodig.")
        :format(thema, budgets_text(p.uitvoeringsbudget), euro(gevraagd)),
        path(ini, "thema"))
    end

    local committed = ledger.committed(thema)
    local remaining = budget - committed
    -- ", nog niets toegekend" of ": € 300.000 min € 250.000 al toegekend"
    local account
    if committed == 0 then
      account = ", nog niets toegekend"
    else
      account = (": %s min %s al toegekend"):format(euro(budget), euro(committed))
    end
    if gevraagd <= remaining then
      return pass(("Gevraagd %s valt binnen het mandaat van de kwartiermaker (resterend "
        .. "uitvoeringsbudget %s %s%s; hierna resteert %s).")
        :format(euro(gevraagd), thema, euro(remaining), account, euro(remaining - gevraagd)))
    end
    local rest = remaining > 0 and remaining or 0
    local over = remaining < 0
      and (" Er is al %s meer toegekend dan het budget."):format(euro(-remaining)) or ""
    return fail(("Gevraagd %s is %s meer dan het resterende uitvoeringsbudget %s (%s%s).%s Dit "
      .. "valt buiten het mandaat van de kwartiermaker: bestuurlijke instemming via de GR-route "
      .. "(bestuurlijk overleg) is nodig, of verlaag het gevraagde bedrag tot hoogstens %s.")
      :format(euro(gevraagd), euro(gevraagd - rest), thema, euro(rest), account, over,
              euro(rest)),
      path(ini, "gevraagd_bedrag"))
  end,
}
