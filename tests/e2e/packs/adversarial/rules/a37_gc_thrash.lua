rule { id = "A-37", title = "Geheugen tot de rand, dan blijven alloceren", severity = "blocking", source = "test", quote = "test",
  -- Live data just under the cap: allocations there make Lua collect everything; counted as memory.
  check = function(s, p)
    local keep = {}
    for i = 1, 66 do keep[i] = ("x"):rep(1000000) .. i end
    for i = 1, 1e9 do local junk = { i } end
  end,
}
