// Explicit instantiations of BP(lambda), the online synthetic-gradient algorithm (dni/bp_lambda.hpp).
#include <ccrnn/dni/bp_lambda.tpp>

namespace ccrnn {

TdReduction parse_td_reduction(const std::string& name) {
  if (name == "mean") return TdReduction::mean;
  if (name == "sum") return TdReduction::sum;
  throw std::invalid_argument("unknown TD reduction '" + name + "' (expected mean or sum)");
}

const char* to_string(TdReduction reduction) { return reduction == TdReduction::mean ? "mean" : "sum"; }

#define CCRNN_INSTANTIATE_BP_LAMBDA(S)                                                                     \
  template void state_jacobians(const Model<S>&, TbpttWorkspace<S>&, BpLambdaWorkspace<S>&, Index,         \
                                Matrix<S>&);                                                              \
  template void begin_online_batch(const Model<S>&, const Batch<S>&, const TbpttSettings&,                 \
                                   const BpLambdaSettings&, TbpttWorkspace<S>&, BpLambdaWorkspace<S>&);    \
  template BatchStats accumulate_online(Model<S>&, const Batch<S>&, const TbpttSettings&,                  \
                                        const BpLambdaSettings&, TbpttWorkspace<S>&, BpLambdaWorkspace<S>&, \
                                        Index, Index);
CCRNN_INSTANTIATE_BP_LAMBDA(float)
CCRNN_INSTANTIATE_BP_LAMBDA(double)
#undef CCRNN_INSTANTIATE_BP_LAMBDA
}  // namespace ccrnn
