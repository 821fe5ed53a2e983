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

IoLesionClip parse_io_lesion_clip(const std::string& name) {
  if (name == "exclude") return IoLesionClip::exclude;
  if (name == "include") return IoLesionClip::include;
  throw std::invalid_argument("unknown inferior-olive lesion clipping '" + name + "' (expected exclude or include)");
}

const char* to_string(IoLesionClip mode) { return mode == IoLesionClip::include ? "include" : "exclude"; }

template class Trainer<float>;
template class Trainer<double>;
}  // namespace ccrnn
