rule { id = "A-16", title = "coroutine.wrap binnen pcall", severity = "blocking", source = "test", quote = "test",
  -- No coroutines in the sandbox: no second thread to dodge the hook or the budget.
  check = function(s, p)
    local ok, err = pcall(function() return coroutine.wrap(function() while true do end end)() end)
    error(err)
  end,
}
