// Explicit instantiations of the trainer for float (runs) and double (checks).
#include <ccrnn/train/trainer.tpp>

namespace ccrnn {

const char* to_string(CerebellumState state) {
  switch (state) {
    case CerebellumState::absent: return "absent";
    case CerebellumState::active: return "active";
    case CerebellumState::frozen: return "frozen";
    case CerebellumState::lesioned: return "lesioned";
  }
  return "?";
}


template class Trainer<float>;
template class Trainer<double>;
}  // namespace ccrnn
