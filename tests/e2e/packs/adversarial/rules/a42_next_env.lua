rule { id = "A-42", title = "Omgeving doorlopen en wijzigen", severity = "blocking", source = "test", quote = "test",
  -- pairs over _ENV shows the names; every value is frozen.
  check = function(s, p)
    for k, v in pairs(_ENV) do
      if type(v) == "table" then v.extra = true end
    end
  end,
}
