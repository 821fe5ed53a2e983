// Explicit instantiations of BP(lambda), the online synthetic-gradient algorithm (dni/bp_lambda.hpp).
#include <ccrnn/dni/bp_lambda.tpp>
#include <ccrnn/core/enum_names.hpp>

namespace ccrnn {

namespace {
constexpr EnumName<TdReduction> td_reduction_names[] = {{TdReduction::mean, "mean"}, {TdReduction::sum, "sum"}};
}  // namespace

TdReduction parse_td_reduction(const std::string& name) { return parse_enum(td_reduction_names, name, "TD reduction"); }

const char* to_string(TdReduction reduction) { return enum_name(td_reduction_names, reduction); }

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
