// Explicit instantiations of the boundary recording and the gradient-alignment summaries.
#include <ccrnn/dni/recording.tpp>

namespace ccrnn {
#define CCRNN_INSTANTIATE_RECORDING(S)                                                     \
  template Alignment gradient_alignment(const Matrix<S>&, const Matrix<S>&, Index, Index); \
  template Alignment prediction_alignment(const BoundaryRecording<S>&);                    \
  template Alignment truncated_alignment(const BoundaryRecording<S>&);                     \
  template Alignment learning_signal_alignment(const BoundaryRecording<S>&);               \
  template class Recorder<S>;
CCRNN_INSTANTIATE_RECORDING(float)
CCRNN_INSTANTIATE_RECORDING(double)
#undef CCRNN_INSTANTIATE_RECORDING
}  // namespace ccrnn
