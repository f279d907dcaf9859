-- wrk script for bench/privacy/run: creates orders, each with a new id, for a pool of customers.
-- Arguments after "--": MODE CUSTOMERS, MODE "shipping" (personal data, sealed per customer) or
-- "plain" (the same order without it); CUSTOMERS the size of the pool ("0": a new customer per
-- order, so that every order creates a data key).
-- done() prints: RESULT requests=N seconds=S rps=R p50_us=A p99_us=B bad_status=N socket_errors=N
local json = { ["Content-Type"] = "application/json" }
local counter = 0
local mode, customers, run_tag  -- thread_id: set by setup() as a global of the thread
local sent = 0

function setup(thread)
  thread:set("thread_id", counter)
  counter = counter + 1
end

function init(args)
  -- bench/cluster/lib.sh passes both as one argument.
  local words = {}
  for word in string.gmatch(table.concat(args, " "), "%S+") do words[#words + 1] = word end
  mode = words[1]
  customers = tonumber(words[2])
  run_tag = tostring(os.time()) .. "-" .. tostring(math.random(1, 1000000))
end

function request()
  sent = sent + 1
  local id = string.format("b%s-%d-%d", run_tag, thread_id, sent)
  local customer = customers > 0 and string.format("c%d", sent % customers) or ("c" .. id)
  local body
  if mode == "shipping" then
    body = string.format('{"order_id":"%s","customer_id":"%s","shipping":{"name":"Name %d",' ..
                         '"email":"n%d@example.org","address":"%d Some Street, Some Town"}}',
                         id, customer, sent, sent, sent)
  else
    body = string.format('{"order_id":"%s","customer_id":"%s"}', id, customer)
  end
  return wrk.format("POST", "/v1/orders", json, body)
end

dofile("bench/wrk_result.lua")  -- done(): the RESULT line
