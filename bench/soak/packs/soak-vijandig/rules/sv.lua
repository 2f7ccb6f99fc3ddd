-- The expensive paths, chosen by s.vijandig.geval. All are bounded by the instruction or memory
-- budget (none by time), so the soak measures the sandbox, not the clock.
local gevallen = {
  lus = function() while true do end end,
  geheugen = function()
    local t = {}
    for i = 1, 1e9 do t[i] = ("x"):rep(4096) .. i end
  end,
  patroon = function() return string.find(("a"):rep(60), ("a*"):rep(60) .. "b") end,
  bericht = function() return pass(("x"):rep(100000)) end,
  sorteren = function()
    local big, t = ("x"):rep(1000000), {}
    for i = 1, 200 do t[i] = big end
    table.sort(t)
  end,
  fouttabel = function() error(setmetatable({}, { __tostring = function() while true do end end })) end,
  zwak = function() return setmetatable({}, { __mode = "k" }) end,
  invoegen = function()
    table.insert(setmetatable({}, { __len = function() return math.maxinteger - 1 end }), 1, 0)
  end,
  naam = function() return _ENV[("n"):rep(100000)] end,
  terugverwijzing = function() return string.find(("a"):rep(5000), "(.*)%1x") end,
}

rule { id = "SV-01", title = "Vijandig pad", severity = "blocking", source = "soak", quote = "soak",
  check = function(s, p)
    local geval = gevallen[s.vijandig.geval]
    if geval == nil then return skip("onbekend geval") end
    return geval()
  end,
}

rule { id = "SV-02", title = "Na het vijandige pad", severity = "advisory", source = "soak", quote = "soak",
  check = function(s, p)
    return pass("de werker is gezond: " .. s.vijandig.geval)
  end,
}
