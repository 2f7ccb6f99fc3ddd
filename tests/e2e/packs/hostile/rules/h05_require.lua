rule { id = "H-05", title = "require", severity = "blocking", source = "test", quote = "test",
  check = function(s, p)
    local os = require("os") return pass(os.getenv("HOME"))
  end,
}
