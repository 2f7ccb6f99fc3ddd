rule { id = "OK-01", title = "Laatste controle", severity = "blocking", source = "test", quote = "test",
  -- Nothing an adversarial rule did is visible: library, metatables, environment, submission.
  check = function(s, p)
    if ("x"):upper() ~= "X" or string.find("abc", "b") ~= 2 then return fail("tekstbibliotheek gewijzigd") end
    if getmetatable("") ~= "alleen-lezen" then return fail("metatable van teksten zichtbaar") end
    if pcall(function() return gelekt end) then return fail("globale naam gelekt") end
    if s.aanvraag.regio ~= "IJsselland" then return fail("aanvraag gewijzigd") end
    local t = {}
    for i = 1, 100 do t[i] = -i end
    table.sort(t)
    table.insert(t, 1, 0)
    if t[1] ~= 0 or t[2] ~= -100 or table.remove(t) ~= -1 then return fail("tabelbibliotheek gewijzigd") end
    return pass("in orde")
  end,
}
