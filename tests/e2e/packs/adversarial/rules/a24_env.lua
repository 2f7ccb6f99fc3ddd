rule { id = "A-24", title = "_ENV-trucs", severity = "blocking", source = "test", quote = "test",
  -- A local _ENV is the rule's own table; the real environment stays frozen.
  check = function(s, p)
    local E = setmetatable({}, { __index = _ENV })
    do local _ENV = E; gelekt = true end
    _ENV.gelekt = true
  end,
}
