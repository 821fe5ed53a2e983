// Explicit instantiations of the windowed TBPTT / synthetic-gradient algorithm (dni/tbptt.hpp,
// dni/synthetic_gradient.hpp) and the losses.
#include <ccrnn/dni/tbptt.tpp>

namespace ccrnn {
#define CCRNN_INSTANTIATE_TBPTT(S)                                                                          \
  template void begin_batch(const Model<S>&, const Batch<S>&, const TbpttSettings&, TbpttWorkspace<S>&);    \
  template void size_workspace(const Model<S>&, Index, Index, const TbpttSettings&, TbpttWorkspace<S>&);    \
  template BatchStats backward_windows(Model<S>&, const Batch<S>&, const ConstBlockRef<S>&,                 \
                                       const TbpttSettings&, TbpttWorkspace<S>&, Index, Index);             \
  template BatchStats accumulate_windows(Model<S>&, const Batch<S>&, const TbpttSettings&,                  \
                                         TbpttWorkspace<S>&, Index, Index);                                 \
  template BatchStats accumulate_batch_gradients(Model<S>&, const Batch<S>&, const TbpttSettings&,          \
                                                 TbpttWorkspace<S>&);                                       \
  template void predict(const Model<S>&, const Batch<S>&, TbpttWorkspace<S>&);                              \
  template double window_loss(LossKind, const ConstBlockRef<S>&, const Batch<S>&, Index, Index, BlockRef<S>, \
                              CrossEntropyPath);                                                            \
  template double training_error(LossKind, const ConstBlockRef<S>&, const Batch<S>&, CrossEntropyPath);
CCRNN_INSTANTIATE_TBPTT(float)
CCRNN_INSTANTIATE_TBPTT(double)
#undef CCRNN_INSTANTIATE_TBPTT

#define CCRNN_INSTANTIATE_SYNTHETIC_GRADIENT(S)                                                                     \
  template CerebellarSegment<S> evaluate_cerebellum(const Model<S>&, const Batch<S>&, const TbpttSettings&,         \
                                                    TbpttWorkspace<S>&, Index, Index);                              \
  template void inject_synthetic_gradient(const TbpttSettings&, const CerebellarSegment<S>&, TbpttWorkspace<S>&,    \
                                          Index);                                                                   \
  template void record_bootstrapped_target(TbpttWorkspace<S>&, Index, bool);                                        \
  template double train_cerebellum(Model<S>&, const CerebellarSegment<S>&, TbpttWorkspace<S>&, Index);
CCRNN_INSTANTIATE_SYNTHETIC_GRADIENT(float)
CCRNN_INSTANTIATE_SYNTHETIC_GRADIENT(double)
#undef CCRNN_INSTANTIATE_SYNTHETIC_GRADIENT
}  // namespace ccrnn
