rule { id = "A-13", title = "Vergelijken van enorme teksten, herhaald", severity = "blocking", source = "test", quote = "test",
  -- '<' on a 40 MB string is one VM instruction that compares 40 MB.
  check = function(s, p)
    local half = ("x"):rep(20000000)
    local a = half .. half
    half = nil
    local b = a
    local n = 0
    for i = 1, 1e9 do if a < b then n = n + 1 end end
  end,
}
