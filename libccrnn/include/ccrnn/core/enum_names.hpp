// An enum's option names as one table, read both ways: parse_enum (with the refusal every option shares,
// "unknown WHAT 'NAME' (expected a, b or c)") and enum_name. Each option keeps its parse_X / to_string pair
// and writes its names once, in a table beside them.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace ccrnn {

template <class Enum>
struct EnumName {
  Enum value;
  const char* name;
};

// "a", "a or b", "a, b or c": the names in table order, as a refusal offers them.
template <class Enum, std::size_t N>
std::string enum_name_list(const EnumName<Enum> (&table)[N]) {
  std::string list;
  for (std::size_t i = 0; i < N; ++i) {
    if (i > 0) list += i + 1 == N ? " or " : ", ";
    list += table[i].name;
  }
  return list;
}

// The value called `name`; anything else throws std::invalid_argument naming `what` and the choices.
template <class Enum, std::size_t N>
Enum parse_enum(const EnumName<Enum> (&table)[N], const std::string& name, const char* what) {
  for (const EnumName<Enum>& entry : table)
    if (name == entry.name) return entry.value;
  throw std::invalid_argument("unknown " + std::string(what) + " '" + name + "' (expected " + enum_name_list(table) + ")");
}

// The name of `value`, or "?" for a value the table lacks (a cast of an out-of-range integer).
template <class Enum, std::size_t N>
const char* enum_name(const EnumName<Enum> (&table)[N], Enum value) {
  for (const EnumName<Enum>& entry : table)
    if (entry.value == value) return entry.name;
  return "?";
}

}  // namespace ccrnn
