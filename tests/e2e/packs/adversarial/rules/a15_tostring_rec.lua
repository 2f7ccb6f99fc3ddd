rule { id = "A-15", title = "Recursieve __tostring", severity = "blocking", source = "test", quote = "test",
  -- tostring calls __tostring, which calls tostring: C calls nest until Lua refuses.
  check = function(s, p)
    local t
    t = setmetatable({}, { __tostring = function() return tostring(t) end })
    return pass(tostring(t))
  end,
}
