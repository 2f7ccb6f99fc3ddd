-- TF-01: het modelformulier is volledig: contactpersoon met naam en telefoon of e-mail, en de
-- naam van de grootste gemeente (die het budget ontvangt, tenzij een andere gemeente is genoemd).
-- Bron: seed 000 Bijlage 1 en seed 002 Bijlage 1 (het modelformulier, "Algemene gegevens" en
-- "Uitkering Transformatiefonds").

rule {
  id = "TF-01",
  title = "Het modelformulier is volledig ingevuld",
  severity = "blocking",
  source = "000 Bijlage 1; 002 Bijlage 1",
  quote = "Uitgangspunt bij de uitkering van het transformatiebudget is dat de grootste gemeente "
    .. "in de jeugdzorgregio in de periode 2018-2020 jaarlijks het transformatiebudget krijgt "
    .. "uitgekeerd, ten behoeve van het regionale transformatieplan.",
  description = "Het modelformulier vraagt een contactpersoon (naam, telefoon, e-mailadres) en "
    .. "de naam van de grootste gemeente in de jeugdzorgregio. Seed 002 Bijlage 1: \"Dit "
    .. "formulier wordt gelijktijdig met het transformatieplan van de jeugdzorgregio ingediend.\"",
  check = function(s, p)
    local contact = s.aanvraag.contact
    local uitkering = s.uitkering
    local missing, evidence = {}, {}

    if contact == nil then
      missing[#missing + 1] = "de contactpersoon ([aanvraag.contact] met naam en telefoon of "
        .. "e-mailadres)"
      evidence[#evidence + 1] = "aanvraag.contact"
    else
      if not filled(contact.naam) then
        missing[#missing + 1] = "de naam van de contactpersoon (aanvraag.contact.naam)"
        evidence[#evidence + 1] = path(contact, "naam")
      end
      if not filled(contact.telefoon) and not filled(contact.email) then
        missing[#missing + 1] = "een telefoonnummer of e-mailadres van de contactpersoon "
          .. "(aanvraag.contact.telefoon of aanvraag.contact.email)"
        evidence[#evidence + 1] = path(contact, "telefoon")
        evidence[#evidence + 1] = path(contact, "email")
      end
    end
    if uitkering == nil then
      missing[#missing + 1] = "de naam van de grootste gemeente in de jeugdzorgregio "
        .. "([uitkering] grootste_gemeente)"
      evidence[#evidence + 1] = "uitkering.grootste_gemeente"
    elseif not filled(uitkering.grootste_gemeente) then
      missing[#missing + 1] = "de naam van de grootste gemeente in de jeugdzorgregio "
        .. "(uitkering.grootste_gemeente)"
      evidence[#evidence + 1] = path(uitkering, "grootste_gemeente")
    end

    if #missing > 0 then
      local list = missing[1]
      if #missing > 1 then
        list = table.concat(missing, "; ", 1, #missing - 1) .. "; en " .. missing[#missing]
      end
      return fail(("Het modelformulier is niet volledig. Er ontbreekt: %s. Vul dit aan; het "
        .. "formulier hoort bij het plan te worden ingediend."):format(list), evidence)
    end

    local bereikbaar = {}
    if filled(contact.telefoon) then bereikbaar[#bereikbaar + 1] = "telefoon" end
    if filled(contact.email) then bereikbaar[#bereikbaar + 1] = "e-mail" end
    local ontvanger = ""
    if filled(uitkering.ontvanger) then
      ontvanger = ("; het budget gaat naar %s"):format(uitkering.ontvanger)
    end
    return pass(("Contactpersoon %s (%s); grootste gemeente %s%s.")
      :format(contact.naam, table.concat(bereikbaar, " en "), uitkering.grootste_gemeente,
              ontvanger))
  end,
}
