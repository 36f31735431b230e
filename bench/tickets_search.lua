-- wrk script for bench/tickets_api.sh: each request searches the tickets for
-- one of these words (rotating), first page, newest first. Set the token with
-- the TEND_TOKEN environment variable.
local words = {"printer", "laptop", "mailbox", "firewall", "scanner", "docking", "OneDrive", "certificate",
               "webshop", "projector", "warehouse", "reception", "firmware", "cable", "offline", "password"}
local i = 0
local token = os.getenv("TEND_TOKEN")

request = function()
  i = i + 1
  local path = "/api/v1/tickets?limit=50&q=" .. words[(i % #words) + 1]
  return wrk.format("GET", path, {["Authorization"] = "Bearer " .. token})
end
