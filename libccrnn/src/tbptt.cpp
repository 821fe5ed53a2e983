// Explicit instantiations of the windowed TBPTT / synthetic-gradient algorithm and the losses.
#include <ccrnn/dni/tbptt.tpp>

namespace ccrnn {
#define CCRNN_INSTANTIATE_TBPTT(S)                                                                          \
  template void begin_batch(const Model<S>&, const Batch<S>&, const TbpttSettings&, TbpttWorkspace<S>&);    \
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
}  // namespace ccrnn
