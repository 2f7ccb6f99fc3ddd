rule { id = "A-09", title = "table.sort op lange teksten", severity = "blocking", source = "test", quote = "test",
  -- Every comparison of two 8 MB strings compares 8 MB in C; the bounded sort charges it.
  check = function(s, p)
    local big = ("x"):rep(8000000)
    local t = {}
    for i = 1, 5000 do t[i] = big end
    table.sort(t)
    return pass("gesorteerd")
  end,
}
