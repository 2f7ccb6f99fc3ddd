rule { id = "B-02", title = "Syntax"
  check = function(s, p) return pass() end }
