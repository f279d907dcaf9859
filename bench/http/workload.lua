-- wrk script for bench/http/run, over the orders bench-0 .. bench-(ORDERS-1) that
-- ordo_bench_http_create made. Arguments after "--": MODE ORDERS
--   add_item  POST /v1/orders/bench-<random>/items (one unit of one of 5 skus)
--   order     GET /v1/orders/bench-<random>
--   view      GET /v1/views/orders/bench-<random>
-- Every request goes over the connection's keep-alive. done() prints one line for the driver:
--   RESULT requests=N seconds=S rps=R p50_us=A p99_us=B bad_status=N socket_errors=N

local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
end

local mode, orders
local json = { ["Content-Type"] = "application/json" }

function init(args)
  mode = args[1] or "order"
  orders = tonumber(args[2] or "10000")
  math.randomseed(os.time() * 1000 + index)
end

function request()
  local id = math.random(0, orders - 1)
  if mode == "add_item" then
    return wrk.format("POST", string.format("/v1/orders/bench-%d/items", id), json,
                      string.format('{"sku":"sku-%d","quantity":1,"unit_price_cents":100}',
                                    math.random(1, 5)))
  elseif mode == "view" then
    return wrk.format("GET", string.format("/v1/views/orders/bench-%d", id))
  end
  return wrk.format("GET", string.format("/v1/orders/bench-%d", id))
end

dofile("bench/wrk_result.lua")  -- done(): the RESULT line
