// Heap allocations of one add_item in the domain (parse the body, decide, encode the event,
// evolve, render the state for the reply), and of decoding stock and payment events: the DOM-free
// paths against the DOM paths they replaced.
// This binary replaces the global operator new with one that counts, on the counting thread only.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <new>

#include "domain/command_json.hpp"
#include "domain/payment_codec.hpp"
#include "domain/stock_codec.hpp"

namespace {
thread_local bool counting = false;
thread_local std::size_t allocations = 0;
}  // namespace

// These are the program's operator new and delete, so malloc and free are the matching pair.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) {
  if (counting) ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  return operator new(size);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
#pragma GCC diagnostic pop

namespace ordo::domain::testing {
namespace {

constexpr std::string_view add_item_body = R"({"sku":"sku-3","quantity":1,"unit_price_cents":250})";
constexpr timestamp now = 1'795'430'520'123;

// A draft order with two lines, as the benchmark's orders are after a few commands.
order::state draft_order() {
  order::state s;
  order_decider::evolve(s, order::order_created{"o-000042", "c-7", std::nullopt}, now);
  order_decider::evolve(s, order::item_added{"o-000042", "sku-1", 1, 250, "USD"}, now);
  order_decider::evolve(s, order::item_added{"o-000042", "sku-2", 2, 250, "USD"}, now);
  return s;
}

struct counted {
  std::size_t allocations = 0;
  std::string state_json;
  std::string event_data;
};

template <class Step>
counted count(Step step) {
  counted out;
  allocations = 0;
  counting = true;
  step(out);
  counting = false;
  out.allocations = allocations;
  return out;
}

// What the aggregate does for one add_item, the way it is done now.
counted writers_path() {
  const order::state before = draft_order();
  return count([&](counted& out) {
    auto command = parse_command<order_decider>("add_item", "o-000042", add_item_body);
    auto events = order_decider::decide(before, *command, now);
    order::state after = before;
    for (const auto& e : *events) {
      out.event_data = order_decider::encode(e).data;
      order_decider::evolve(after, e, now);
    }
    out.state_json = order_decider::render_json(after, 4);
  });
}

// The same through nlohmann DOMs, as before the writers and the scanner.
counted dom_path() {
  const order::state before = draft_order();
  return count([&](counted& out) {
    auto command = parse_command_with_dom<order_decider>("add_item", "o-000042", add_item_body);
    auto events = order_decider::decide(before, *command, now);
    order::state after = before;
    for (const auto& e : *events) {
      out.event_data = order::encode_with_dom(e).data;
      order_decider::evolve(after, e, now);
    }
    auto json = order_decider::to_json(after);
    json["version"] = 4;
    out.state_json = compact_json(json);
  });
}

TEST(AllocationCount, AddItemAllocatesAFractionOfWhatTheDomPathDid) {
  const counted writers = writers_path();
  const counted dom = dom_path();
  std::cout << "allocations per add_item in the domain: " << writers.allocations
            << " (DOM path: " << dom.allocations << ")\n";
  RecordProperty("writers", static_cast<int>(writers.allocations));
  RecordProperty("dom", static_cast<int>(dom.allocations));
  EXPECT_EQ(writers.event_data, dom.event_data);
  EXPECT_EQ(writers.state_json, dom.state_json);
  EXPECT_GT(writers.allocations, 0u);  // the counter counts
  EXPECT_LE(writers.allocations * 4, dom.allocations);
}

// A saga's stock and payment events, as recovery and the read side decode them.
TEST(AllocationCount, StockAndPaymentEventsDecodeWithAFractionOfTheDomsAllocations) {
  const auto reserved = stock::encode(stock::stock_reserved{"sku-3", "o-000042", 2});
  const auto requested = payment::encode(payment::payment_requested{"o-000042", 750, "tok_ok"});
  const counted scanned = count([&](counted&) {
    EXPECT_TRUE(stock::decode(reserved));
    EXPECT_TRUE(payment::decode(requested));
  });
  const counted dom = count([&](counted&) {
    EXPECT_TRUE(stock::decode_with_dom(reserved));
    EXPECT_TRUE(payment::decode_with_dom(requested));
  });
  std::cout << "allocations to decode StockReserved and PaymentRequested: " << scanned.allocations
            << " (DOM path: " << dom.allocations << ")\n";
  RecordProperty("scanned", static_cast<int>(scanned.allocations));
  RecordProperty("dom", static_cast<int>(dom.allocations));
  EXPECT_GT(dom.allocations, 0u);  // the counter counts
  EXPECT_LE(scanned.allocations * 4, dom.allocations);
}

}  // namespace
}  // namespace ordo::domain::testing
