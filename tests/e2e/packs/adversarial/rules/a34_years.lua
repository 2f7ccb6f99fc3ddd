rule { id = "A-34", title = "years() op een grote tabel", severity = "blocking", source = "test", quote = "test",
  -- 100 000 integer keys in descending order (an insertion sort took minutes).
  check = function(s, p)
    local t = {}
    for i = 100000, 1, -1 do t[i * 2] = i end
    local y = years(t)
    error("years gaf " .. #y .. " jaren")
  end,
}
