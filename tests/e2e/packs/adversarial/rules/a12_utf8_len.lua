rule { id = "A-12", title = "utf8.len op een enorme tekst, herhaald", severity = "blocking", source = "test", quote = "test",
  -- One VM instruction scans 40 MB; the hook must come more often while such a string lives.
  check = function(s, p)
    local half = ("x"):rep(20000000)
    local big = half .. half
    half = nil
    local n = 0
    for i = 1, 1e9 do n = n + utf8.len(big) end
  end,
}
