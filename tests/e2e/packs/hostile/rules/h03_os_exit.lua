rule { id = "H-03", title = "os.exit", severity = "blocking", source = "test", quote = "test",
  check = function(s, p)
    os.exit(1)
  end,
}
