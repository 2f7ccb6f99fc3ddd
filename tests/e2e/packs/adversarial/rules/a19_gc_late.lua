rule { id = "A-19", title = "__gc achteraf toevoegen", severity = "blocking", source = "test", quote = "test",
  -- setmetatable takes a snapshot: a __gc added to the table afterwards never reaches the object.
  check = function(s, p)
    local mt = {}
    local obj = setmetatable({}, mt)
    mt.__gc = function() while true do end end
    obj = nil
    local junk = {}
    for i = 1, 200000 do junk[i % 1000 + 1] = {} end
    error("__gc is niet uitgevoerd")
  end,
}
