#pragma once
// The error every task's run raises when training produces a non-finite loss.
#include <stdexcept>

namespace ccrnn::tasks {

/// Raised when training produces a non-finite error; the message names the seed and epoch.
class DivergenceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ccrnn::tasks
