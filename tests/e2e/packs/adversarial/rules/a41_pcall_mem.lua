rule { id = "A-41", title = "pcall om een geheugenbom", severity = "blocking", source = "test", quote = "test",
  -- The memory error is caught by pcall, but a terminated evaluation stays terminated.
  check = function(s, p)
    local ok = pcall(string.rep, "x", 1e10)
    local t = {}
    for i = 1, 1e9 do t[i] = ("y"):rep(1000) .. i end
  end,
}
