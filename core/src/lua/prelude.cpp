// The part of the rule API written in Lua itself (docs/rule-api.md, "Findings").
namespace meetlat::lua_detail {

// Loaded once per sandbox with the rule environment as _ENV before it is frozen; receives the
// unrestricted setmetatable as its argument. Defines findings().
extern const char* const kPrelude = R"lua(
local raw_setmetatable = ...
local pass, fail = pass, fail

-- A collector of findings: f:add(message, evidence...) for each problem found, then
-- f:result("message when all is well") returns pass(...) when nothing was added, else one
-- fail(...) listing every finding.
local methods = {}
function methods.add(self, message, ...)
  if type(message) ~= "string" then
    error("findings:add verwacht een bericht (tekst) als eerste argument", 2)
  end
  self[#self + 1] = { message, ... }
  return self
end
function methods.count(self)
  return #self
end
function methods.result(self, ok_message)
  if #self == 0 then
    return pass(ok_message)
  end
  return fail(self)
end
local Findings = { __index = methods, __metatable = "findings" }

function findings()
  return raw_setmetatable({}, Findings)
end
)lua";

}  // namespace meetlat::lua_detail
