rule { id = "H-04", title = "io.open", severity = "blocking", source = "test", quote = "test",
  check = function(s, p)
    local f = io.open("/etc/passwd") return pass(f:read("a"))
  end,
}
