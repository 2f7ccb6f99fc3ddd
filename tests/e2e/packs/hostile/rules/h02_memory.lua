rule { id = "H-02", title = "Geheugenbom", severity = "blocking", source = "test", quote = "test",
  check = function(s, p)
    local t = {} for i = 1, 1e9 do t[i] = ("x"):rep(64) .. i end
  end,
}
