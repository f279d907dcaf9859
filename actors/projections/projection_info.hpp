// projection_info lives with the other plain message types in actors/protocol.hpp (CAF-free, for
// the HTTP layer); its `inspect` overload and type id are in actors/messages.hpp.
#pragma once

#include "actors/messages.hpp"
#include "actors/protocol.hpp"
