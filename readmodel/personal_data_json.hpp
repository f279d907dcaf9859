// Personal fields in JSON (an order's state, an event's data, an event envelope, a reply body):
// opened for whoever reads them, sealed where a copy is stored. See domain/personal_data.hpp for
// which fields, persistence/personal_data.hpp for the sealing.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "persistence/personal_data.hpp"

namespace ordo::readmodel {

// Replaces each sealed personal field of `doc` with its plaintext, or "[erased]" when its key was
// destroyed. A document with "customer_id" and "shipping" (a state, event data), or an envelope
// of one in "data". Fails (corrupt, naming the customer and field) when a value does not open:
// tampered, or moved from another customer. Values that are not sealed stay as they are.
persistence::result<void> open_personal_fields(nlohmann::json& doc,
                                               persistence::personal_data_keys& keys);

// Seals each personal field of `doc` that is not sealed yet (a stored copy of a reply).
persistence::result<void> seal_personal_fields(nlohmann::json& doc,
                                               persistence::personal_data_keys& keys);

// For copies that leave the node sealed (exports): values stay sealed while their key lives, and
// become "[erased]" once it is destroyed. Fails like open_personal_fields.
persistence::result<void> erase_shredded_fields(nlohmann::json& doc,
                                                persistence::personal_data_keys& keys);

// The same over JSON text: the text unchanged (no parse) when it holds no sealed value, or no
// personal field to seal.
persistence::result<std::string> open_personal_text(std::string text,
                                                    persistence::personal_data_keys& keys);
persistence::result<std::string> seal_personal_text(std::string text,
                                                    persistence::personal_data_keys& keys);
persistence::result<std::string> erase_shredded_text(std::string text,
                                                     persistence::personal_data_keys& keys);

}  // namespace ordo::readmodel
