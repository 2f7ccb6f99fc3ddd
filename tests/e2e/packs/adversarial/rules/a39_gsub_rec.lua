rule { id = "A-39", title = "Recursie via gsub-callbacks", severity = "blocking", source = "test", quote = "test",
  -- Nested C calls: the C-call limit ends it without exhausting the C stack.
  check = function(s, p)
    local function f(c) return (c .. c):gsub(".", f) end
    return pass(f("ab"))
  end,
}
