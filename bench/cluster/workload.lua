-- wrk script for bench/cluster/run: add_item commands on the orders listed in a file (one id per
-- line), each to a random one of them. Arguments after "--": IDS_FILE
-- done() prints one line for the driver:
--   RESULT requests=N seconds=S rps=R p50_us=A p99_us=B bad_status=N socket_errors=N

local ids = {}
local json = { ["Content-Type"] = "application/json" }
local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then ids[#ids + 1] = line end
  end
  math.randomseed(os.time() * 1000 + index)
end

function request()
  local id = ids[math.random(1, #ids)]
  return wrk.format("POST", "/v1/orders/" .. id .. "/items", json,
                    string.format('{"sku":"sku-%d","quantity":1,"unit_price_cents":100}',
                                  math.random(1, 5)))
end

dofile("bench/wrk_result.lua")  -- done(): the RESULT line
