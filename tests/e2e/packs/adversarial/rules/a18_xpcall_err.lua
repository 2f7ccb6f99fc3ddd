rule { id = "A-18", title = "xpcall-handler die zelf een fout geeft", severity = "blocking", source = "test", quote = "test",
  -- An error in a handler is 'error in error handling'; the rule then ends in an error.
  check = function(s, p)
    local ok, e = xpcall(function() error("eerste") end, function() error("tweede") end)
    error(e)
  end,
}
