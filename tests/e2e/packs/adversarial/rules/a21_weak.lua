rule { id = "A-21", title = "Zwakke tabel (__mode)", severity = "blocking", source = "test", quote = "test",
  -- Weak tables make results depend on the collector, and ephemeron chains are quadratic in the GC.
  check = function(s, p)
    local w = setmetatable({}, { __mode = "k" })
    return pass("zwak")
  end,
}
