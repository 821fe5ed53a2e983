#pragma once
// Shapes and positions as numpy writes them, for the trials data's error messages (trials_*.cpp only).
#include <ccrnn/core/types.hpp>

#include <string>
#include <vector>

namespace ccrnn::tasks::trials_text {

/// "(4, 3, 2)", "(5,)".
inline std::string shape(const std::vector<Index>& dims) {
  std::string s = "(";
  for (std::size_t d = 0; d < dims.size(); ++d) s += (d ? ", " : "") + std::to_string(dims[d]);
  return s + (dims.size() == 1 ? ",)" : ")");
}

/// The numpy index of row-major element `flat` of an array of shape `dims`: "[2, 0, 1]".
inline std::string position(std::size_t flat, const std::vector<Index>& dims) {
  std::vector<std::size_t> at(dims.size());
  for (std::size_t d = dims.size(); d-- > 0;) {
    at[d] = flat % static_cast<std::size_t>(dims[d]);
    flat /= static_cast<std::size_t>(dims[d]);
  }
  std::string s = "[";
  for (std::size_t d = 0; d < at.size(); ++d) s += (d ? ", " : "") + std::to_string(at[d]);
  return s + "]";
}

}  // namespace ccrnn::tasks::trials_text
