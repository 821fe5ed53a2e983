#pragma once
// The error every data reader raises for a file it cannot use (missing, malformed, inconsistent). The
// message names the file and the problem, so that a user can fix the data without reading our code.
#include <stdexcept>

namespace ccrnn::tasks {

class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ccrnn::tasks
