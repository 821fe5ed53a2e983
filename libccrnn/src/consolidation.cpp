#include <ccrnn/loop/consolidation.hpp>
#include <ccrnn/core/enum_names.hpp>

#include <Eigen/QR>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace ccrnn {

namespace {
constexpr EnumName<ConsolidationRule> consolidation_rule_names[] = {{ConsolidationRule::least_squares, "least_squares"},
                                                                    {ConsolidationRule::local, "local"}};
}  // namespace

ConsolidationRule parse_consolidation_rule(const std::string& name) {
  return parse_enum(consolidation_rule_names, name, "consolidation rule");
}

const char* to_string(ConsolidationRule rule) { return enum_name(consolidation_rule_names, rule); }

template <class S>
Consolidation<S>::Consolidation(Model<S>& model, const ConsolidationConfig& config) : model_(model), config_(config) {
  if (!model.forward_cerebellum) throw std::invalid_argument("consolidation: the model has no forward cerebellum");
  if (model.cortex.num_layers() != 1) throw std::invalid_argument("consolidation: needs a one-layer cortex");
  if (!(config.rate > 0 && config.rate <= 1)) throw std::invalid_argument("consolidation: the rate must be in (0, 1]");
  if (!(config.ratio >= 0)) throw std::invalid_argument("consolidation: the ratio must be >= 0 (0 = the reference's)");
  w_hh_ = model.params.id("cortex.weight_hh_l0");
  w_ih_ = model.params.id("cortex.weight_ih_l0");
  c_rows_ = model.forward_cerebellum->output_size();
  inputs_ = model.config().input_size;
  original_hh_ = model.params.value(w_hh_).template cast<double>();
  original_ch_ = model.params.value(w_ih_).rightCols(c_rows_).template cast<double>();
}

template <class S>
double Consolidation<S>::cerebellar_weight_norm() const {
  return model_.params.value(w_ih_).rightCols(c_rows_).template cast<double>().norm();
}

template <class S>
SleepSessionStats Consolidation<S>::session(const Batch<S>& batch, const LoopSettings& settings) {
  loop_forward(model_, batch, settings, trace_);
  const Index b = batch.size, length = batch.length, n = model_.cortex.hidden_size();
  const auto cortex_out = model_.cortex.outputs(trace_.cortex);
  const auto fed = trace_.cortex_inputs.bottomRows(c_rows_);
  const Eigen::MatrixXd w_hh = model_.params.value(w_hh_).template cast<double>();
  const Eigen::MatrixXd w_ch = model_.params.value(w_ih_).rightCols(c_rows_).template cast<double>();

  // The session's pairs: r = f(u_{s-1}) and c_s as fed, for 1 <= s <= L - 2 where the cerebellum gives
  // anything. As the reference (its steps t = 2..L-1 pair c_{t-1}): the last step's c_{L-1} is not paired.
  std::vector<Index> columns;
  Index paired_steps = 0;
  for (Index s = 1; s + 1 < length; ++s) {
    bool any = false;
    for (Index k = 0; k < b; ++k) {
      if (fed.col(s * b + k).isZero(0)) continue;
      columns.push_back(s * b + k);
      any = true;
    }
    paired_steps += any;
  }
  const Index pairs = static_cast<Index>(columns.size());
  SleepSessionStats stats;
  stats.pairs = pairs;
  if (pairs == 0) return stats;  // nothing to transfer (the cerebellum is silent)
  Eigen::MatrixXd r(n, pairs), c(c_rows_, pairs);
  for (Index p = 0; p < pairs; ++p) {
    r.col(p) = cortex_out.col(columns[static_cast<std::size_t>(p)] - b).template cast<double>();
    c.col(p) = fed.col(columns[static_cast<std::size_t>(p)]).template cast<double>();
  }
  const Eigen::MatrixXd u = w_ch * c;

  const Eigen::MatrixXd original = original_hh_ * r + original_ch_ * c, recurrent = w_hh * r;
  double cosine = 0.0;
  for (Index p = 0; p < pairs; ++p) {
    const double norms = original.col(p).norm() * recurrent.col(p).norm();
    cosine += norms > 0 ? original.col(p).dot(recurrent.col(p)) / norms : 0.0;
  }
  stats.cosine = cosine / static_cast<double>(pairs);

  double ratio = config_.ratio;
  if (config_.rule == ConsolidationRule::least_squares) {
    // G^T = argmin ||r^T G^T - u^T||: minimum-norm least squares (also when the pairs do not span the space).
    fit_ = r.transpose().completeOrthogonalDecomposition().solve(u.transpose()).transpose();
    if (ratio == 0) ratio = 1.0;
  } else {
    // Per step, the mean over its pairs of u sign(r)^T / ||r||_1; summed over steps.
    fit_.setZero(n, n);
    for (Index first = 0; first < pairs;) {
      const Index step = columns[static_cast<std::size_t>(first)] / b;
      Index last = first;
      while (last < pairs && columns[static_cast<std::size_t>(last)] / b == step) ++last;
      for (Index p = first; p < last; ++p) {
        const double l1 = r.col(p).lpNorm<1>();
        if (l1 == 0) continue;
        const Eigen::RowVectorXd sign = r.col(p).transpose().unaryExpr([](double v) { return double((v > 0) - (v < 0)); });
        fit_.noalias() += u.col(p) * sign / (l1 * static_cast<double>(last - first));
      }
      first = last;
    }
    if (ratio == 0) ratio = static_cast<double>(paired_steps) / 1.5;
  }
  // How much of the cerebellar drive the W_hh update (per unit of rate) misses on these pairs.
  const double drive = u.norm();
  stats.residual = drive > 0 ? (fit_ * r / ratio - u).norm() / drive : 0.0;
  model_.params.value(w_hh_) = (w_hh + (config_.rate / ratio) * fit_).template cast<S>();
  model_.params.value(w_ih_).rightCols(c_rows_) = ((1.0 - config_.rate) * w_ch).template cast<S>();
  return stats;
}

template class Consolidation<float>;
template class Consolidation<double>;

}  // namespace ccrnn
