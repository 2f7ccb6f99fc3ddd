rule { id = "A-32", title = "collectgarbage", severity = "blocking", source = "test", quote = "test",
  -- Not in the sandbox: rules cannot steer the collector.
  check = function(s, p)
    collectgarbage("stop")
  end,
}
