rule { id = "A-07", title = "table.concat van een enorme tabel", severity = "blocking", source = "test", quote = "test",
  -- 150 000 one-byte strings joined with a 500-byte separator: the result exceeds the cap.
  check = function(s, p)
    local t = {}
    for i = 1, 150000 do t[i] = "x" end
    return pass(#table.concat(t, ("-"):rep(500)))
  end,
}
