rule { id = "H-08", title = "Diepe recursie", severity = "blocking", source = "test", quote = "test",
  check = function(s, p)
    local function f(n) return 1 + f(n + 1) end return pass(f(1))
  end,
}
