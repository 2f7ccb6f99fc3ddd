rule { id = "H-14", title = "pcall slikt afbreken", severity = "blocking", source = "test", quote = "test",
  check = function(s, p)
    for i = 1, 1e6 do pcall(function() while true do end end) end return pass("ontsnapt")
  end,
}
