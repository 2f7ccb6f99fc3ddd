rule { id = "A-31", title = "string.dump en load", severity = "blocking", source = "test", quote = "test",
  -- No bytecode in or out.
  check = function(s, p)
    return load(string.dump(function() return pass() end))()
  end,
}
