// Explicit instantiations of the trainer for float (runs) and double (checks).
#include <ccrnn/train/trainer.tpp>
#include <ccrnn/core/enum_names.hpp>

namespace ccrnn {

namespace {
constexpr EnumName<CerebellumState> cerebellum_state_names[] = {{CerebellumState::absent, "absent"},
                                                                {CerebellumState::active, "active"},
                                                                {CerebellumState::frozen, "frozen"},
                                                                {CerebellumState::lesioned, "lesioned"}};
constexpr EnumName<IoLesionClip> io_lesion_clip_names[] = {{IoLesionClip::exclude, "exclude"},
                                                           {IoLesionClip::include, "include"}};
}  // namespace

const char* to_string(CerebellumState state) { return enum_name(cerebellum_state_names, state); }

IoLesionClip parse_io_lesion_clip(const std::string& name) {
  return parse_enum(io_lesion_clip_names, name, "inferior-olive lesion clipping");
}

const char* to_string(IoLesionClip mode) { return enum_name(io_lesion_clip_names, mode); }

template class Trainer<float>;
template class Trainer<double>;
}  // namespace ccrnn
