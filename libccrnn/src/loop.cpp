// Explicit instantiations of the cortico-cerebellar loop (loop/loop.hpp) and its names.
#include <ccrnn/loop/loop.tpp>

namespace ccrnn {

IoTiming parse_io_timing(const std::string& name) {
  if (name == "reference") return IoTiming::reference;
  if (name == "notebook") return IoTiming::notebook;
  throw std::invalid_argument("unknown inferior-olive timing '" + name + "' (expected reference or notebook)");
}

const char* to_string(IoTiming timing) { return timing == IoTiming::reference ? "reference" : "notebook"; }

LoopFeedback parse_loop_feedback(const std::string& name) {
  if (name == "cerebellum") return LoopFeedback::cerebellum;
  if (name == "readout") return LoopFeedback::readout;
  if (name == "cerebellar-readout") return LoopFeedback::cerebellar_readout;
  throw std::invalid_argument("unknown loop feedback '" + name + "' (expected cerebellum, readout or cerebellar-readout)");
}

const char* to_string(LoopFeedback feedback) {
  switch (feedback) {
    case LoopFeedback::cerebellum: return "cerebellum";
    case LoopFeedback::readout: return "readout";
    case LoopFeedback::cerebellar_readout: return "cerebellar-readout";
  }
  return "?";
}

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
