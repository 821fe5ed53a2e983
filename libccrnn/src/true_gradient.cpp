// Explicit instantiations of the true (full-BPTT) and truncated boundary gradients for float (runs) and
// double (checks).
#include <ccrnn/dni/true_gradient.tpp>

namespace ccrnn {
#define CCRNN_INSTANTIATE_TRUE_GRADIENT(S)                                                                      \
  template void compute_boundary_gradients(const Model<S>&, const Batch<S>&, const BoundaryGradientOptions&,    \
                                           BoundaryGradientWorkspace<S>&, BoundaryGradients<S>&);               \
  template BoundaryGradients<S> boundary_gradients(const Model<S>&, const Batch<S>&,                            \
                                                   const BoundaryGradientOptions&);                             \
  template double windowed_task_loss(const Model<S>&, const Batch<S>&, Index, LossKind,                         \
                                     BoundaryGradientWorkspace<S>&, Index, const Matrix<S>*);                   \
  template void scatter_state(const Cortex<S>&, CortexTrace<S>&, Index, const ConstBlockRef<S>&);
CCRNN_INSTANTIATE_TRUE_GRADIENT(float)
CCRNN_INSTANTIATE_TRUE_GRADIENT(double)
#undef CCRNN_INSTANTIATE_TRUE_GRADIENT
}  // namespace ccrnn
