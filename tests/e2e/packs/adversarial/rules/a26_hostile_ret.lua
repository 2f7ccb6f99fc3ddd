rule { id = "A-26", title = "Uitkomst met vijandige metamethoden", severity = "blocking", source = "test", quote = "test",
  -- The host never calls a metamethod of a returned value.
  check = function(s, p)
    return setmetatable({}, {
      __tostring = function() while true do end end, __index = function() while true do end end,
      __eq = function() while true do end end, __len = function() while true do end end,
      __concat = function() while true do end end, __name = "uitkomst" })
  end,
}
