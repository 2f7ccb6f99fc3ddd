rule { id = "A-23", title = "Metatable van teksten wijzigen", severity = "blocking", source = "test", quote = "test",
  -- getmetatable("") gives a string, not the metatable shared by every string.
  check = function(s, p)
    local mt = getmetatable("")
    mt.__index = function() return "gekaapt" end
  end,
}
