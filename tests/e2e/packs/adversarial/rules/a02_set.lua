rule { id = "A-02", title = "Reusachtige tekenverzameling", severity = "blocking", source = "test", quote = "test",
  -- A set of a million characters is scanned for every character of the subject.
  check = function(s, p)
    return pass((("b"):rep(100000)):match("[" .. ("a"):rep(1000000) .. "]"))
  end,
}
