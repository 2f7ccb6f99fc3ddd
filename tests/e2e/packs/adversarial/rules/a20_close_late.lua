rule { id = "A-20", title = "__close achteraf toevoegen", severity = "blocking", source = "test", quote = "test",
  -- The snapshot has no __close: the variable cannot be declared <close>.
  check = function(s, p)
    local mt = {}
    local obj = setmetatable({}, mt)
    mt.__close = function() while true do end end
    do local x <close> = obj end
    return pass("__close uitgevoerd")
  end,
}
