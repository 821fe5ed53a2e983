// Explicit instantiations of the cortico-cerebellar loop (loop/loop.hpp) and its names.
#include <ccrnn/loop/loop.tpp>
#include <ccrnn/core/enum_names.hpp>

namespace ccrnn {

namespace {
constexpr EnumName<IoTiming> io_timing_names[] = {{IoTiming::reference, "reference"}, {IoTiming::notebook, "notebook"}};
constexpr EnumName<LoopFeedback> loop_feedback_names[] = {{LoopFeedback::cerebellum, "cerebellum"},
                                                          {LoopFeedback::readout, "readout"},
                                                          {LoopFeedback::cerebellar_readout, "cerebellar-readout"}};
}  // namespace

IoTiming parse_io_timing(const std::string& name) { return parse_enum(io_timing_names, name, "inferior-olive timing"); }

const char* to_string(IoTiming timing) { return enum_name(io_timing_names, timing); }

LoopFeedback parse_loop_feedback(const std::string& name) { return parse_enum(loop_feedback_names, name, "loop feedback"); }

const char* to_string(LoopFeedback feedback) { return enum_name(loop_feedback_names, feedback); }

#define CCRNN_INSTANTIATE_LOOP(S)                                                                         \
  template void loop_forward(const Model<S>&, const Batch<S>&, const LoopSettings&, LoopTrace<S>&);        \
  template void inferior_olive(const Model<S>&, const Batch<S>&, const LoopSettings&, LoopTrace<S>&);      \
  template double cerebellar_loss(const Model<S>&, const Batch<S>&, const LoopSettings&, LoopTrace<S>&);   \
  template LoopStats accumulate_loop_gradients(Model<S>&, const Batch<S>&, const LoopSettings&, LoopTrace<S>&, \
                                               bool, bool);                                               \
  template double accumulate_windowed_gradients(Model<S>&, const Batch<S>&, const LoopSettings&, LoopTrace<S>&);
CCRNN_INSTANTIATE_LOOP(float)
CCRNN_INSTANTIATE_LOOP(double)
#undef CCRNN_INSTANTIATE_LOOP
}  // namespace ccrnn
