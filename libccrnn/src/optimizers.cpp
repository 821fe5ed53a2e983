#include <ccrnn/train/optimizers.hpp>

#include <cmath>
#include <stdexcept>

namespace ccrnn {

OptimizerKind parse_optimizer_kind(const std::string& name) {
  if (name == "adam") return OptimizerKind::adam;
  if (name == "rmsprop") return OptimizerKind::rmsprop;
  if (name == "sgd") return OptimizerKind::sgd;
  throw std::invalid_argument("unknown optimizer '" + name + "' (expected adam, rmsprop or sgd)");
}

std::string to_string(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::adam: return "adam";
    case OptimizerKind::rmsprop: return "rmsprop";
    case OptimizerKind::sgd: return "sgd";
  }
  return "?";
}

template <class S>
Optimizer<S>::Optimizer(const OptimizerConfig& config, Index size) : config_(config) {
  if (!(config.lr > 0)) throw std::invalid_argument("optimizer: learning rate must be > 0");
  if (config.kind == OptimizerKind::adam &&
      !(config.beta1 >= 0 && config.beta1 < 1 && config.beta2 >= 0 && config.beta2 < 1 && config.eps >= 0))
    throw std::invalid_argument("adam: betas must be in [0, 1) and eps >= 0");
  first_.setZero(size);
  second_.setZero(size);
}

template <class S>
void Optimizer<S>::step(Vector<S>& values, const Vector<S>& grads, std::span<const Range> ranges) {
  ++steps_;
  const S lr = static_cast<S>(config_.lr);
  for (const Range& r : ranges) {
    auto p = values.segment(r.begin, r.size()).array();
    const auto g = grads.segment(r.begin, r.size()).array();
    auto a = first_.segment(r.begin, r.size()).array();
    auto b = second_.segment(r.begin, r.size()).array();
    switch (config_.kind) {
      case OptimizerKind::adam: {
        // torch.optim.Adam (single-tensor path): step_size = lr / bc1; denom = sqrt(v) / sqrt(bc2) + eps.
        const S b1 = static_cast<S>(config_.beta1), b2 = static_cast<S>(config_.beta2);
        const double bc1 = 1.0 - std::pow(config_.beta1, static_cast<double>(steps_));
        const double bc2 = 1.0 - std::pow(config_.beta2, static_cast<double>(steps_));
        a = b1 * a + (1 - b1) * g;
        b = b2 * b + (1 - b2) * g.square();
        const S step_size = static_cast<S>(config_.lr / bc1);
        const S bc2_sqrt = static_cast<S>(std::sqrt(bc2));
        p -= step_size * a / ((b.sqrt() / bc2_sqrt) + static_cast<S>(config_.eps));
        break;
      }
      case OptimizerKind::rmsprop: {
        // torch.optim.RMSprop with momentum: v = alpha v + (1-alpha) g^2; buf = mu buf + g / (sqrt(v) + eps).
        const S alpha = static_cast<S>(config_.alpha), mu = static_cast<S>(config_.momentum);
        a = alpha * a + (1 - alpha) * g.square();
        const auto scaled = (g / (a.sqrt() + static_cast<S>(config_.eps))).eval();
        if (config_.momentum > 0) {
          b = mu * b + scaled;
          p -= lr * b;
        } else {
          p -= lr * scaled;
        }
        break;
      }
      case OptimizerKind::sgd: {
        // torch.optim.SGD with momentum and no dampening: buf = mu buf + g (buf starts at zero, so the
        // first step gives buf = g as in PyTorch).
        const S mu = static_cast<S>(config_.momentum);
        if (config_.momentum > 0) {
          a = mu * a + g;
          p -= lr * a;
        } else {
          p -= lr * g;
        }
        break;
      }
    }
  }
}

template <class S>
double global_norm(const Vector<S>& grads, std::span<const Range> ranges) {
  double sum = 0.0;
  for (const Range& r : ranges)
    for (Index i = r.begin; i < r.end; ++i) sum += static_cast<double>(grads[i]) * static_cast<double>(grads[i]);
  return std::sqrt(sum);
}

template <class S>
double clip_global_norm(Vector<S>& grads, std::span<const Range> ranges, double max_norm) {
  const double norm = global_norm(grads, ranges);
  const double coef = max_norm / (norm + 1e-6);
  if (coef < 1.0)
    for (const Range& r : ranges) grads.segment(r.begin, r.size()) *= static_cast<S>(coef);
  return norm;
}

template class Optimizer<float>;
template class Optimizer<double>;
template double global_norm(const Vector<float>&, std::span<const Range>);
template double global_norm(const Vector<double>&, std::span<const Range>);
template double clip_global_norm(Vector<float>&, std::span<const Range>, double);
template double clip_global_norm(Vector<double>&, std::span<const Range>, double);

}  // namespace ccrnn
