rule { id = "A-14", title = "Kwadratisch aaneenrijgen", severity = "blocking", source = "test", quote = "test",
  -- s = s .. x copies the whole string every time: quadratic work in few instructions, and
  -- garbage that reaches the memory cap.
  check = function(s, p)
    local s = ""
    for i = 1, 1e9 do
      s = s .. ("x"):rep(10000)
      if #s > 8000000 then s = "" end
    end
  end,
}
