-- BG-01: de posten van een categorie tellen op tot het subtotaal van die categorie.
-- Bron: seed 004, Bijlage 1 (Begroting, concept): per categorie een reeks posten en een
-- onderstreept subtotaal per jaar.

-- Categorieën worden vergeleken zonder hoofdletters en spaties aan de randen,
-- zodat "Gedwongen kader" en "Gedwongen Kader" dezelfde categorie zijn.
local function norm(text)
  return string.lower(trim(text or ""))
end

rule {
  id = "BG-01",
  title = "Posten tellen op tot het subtotaal van hun categorie",
  severity = "blocking",
  source = "004 Bijlage 1",
  quote = "Subtotaal Doorontwikkeling Inkoop € 394.360",
  check = function(s, p)
    local b = s.begroting
    if b == nil then return skip("De aanvraag heeft geen [begroting].") end
    if count(b.subtotaal) == 0 then
      return skip("De begroting noemt geen subtotalen; er is niets op te tellen.")
    end

    -- Som per categorie en jaar, in één doorgang over de posten. per_year_by vergelijkt de
    -- categorieën zoals norm() hierboven: zonder hoofdletters en spaties aan de randen.
    local sums, counts = money.per_year_by(b.post, "categorie", "bedrag")

    local f = findings()
    for _, sub in ipairs(b.subtotaal) do
      local cat = norm(sub.categorie)
      local label = sub.categorie or "(zonder categorie)"
      if counts[cat] == nil then
        f:add(("Subtotaal '%s': er is geen post met deze categorie. Geef de posten dezelfde "
          .. "categorie als het subtotaal."):format(label), path(sub, "categorie"))
      else
        for _, year in ipairs(years(sub.bedrag)) do
          local stated = sub.bedrag[year]
          local computed = sums[cat][year] or 0
          if stated ~= computed then
            f:add(("Subtotaal '%s' %d: vermeld %s, de %d posten tellen op tot %s (verschil %s). "
              .. "Controleer of elke post in het subtotaal is meegeteld.")
              :format(label, year, euro(stated), counts[cat], euro(computed),
                      euro(math.abs(computed - stated))),
              path(sub.bedrag, year))
          end
        end
      end
    end
    return f:result("Alle subtotalen zijn gelijk aan de som van hun posten.")
  end,
}
