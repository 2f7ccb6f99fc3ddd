rule { id = "H-02", title = "Geheugenbom", severity = "blocking", source = "test", quote = "test",
    -- 64 KiB per step: the memory cap is reached long before the time limit, also under ASan.
  check = function(s, p)
    local t = {} for i = 1, 1e9 do t[i] = ("x"):rep(65536) .. i end
  end,
}
