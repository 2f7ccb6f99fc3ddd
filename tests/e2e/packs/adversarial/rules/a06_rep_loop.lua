rule { id = "A-06", title = "string.rep in een lus", severity = "blocking", source = "test", quote = "test",
  -- 40 MB per call: the second string does not fit next to the first, so the memory cap ends it.
  check = function(s, p)
    local keep = {}
    for i = 1, 1e9 do keep[i] = ("x"):rep(40000000) end
  end,
}
