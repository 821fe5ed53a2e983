#include <ccrnn/train/optimizers.hpp>
#include <ccrnn/core/enum_names.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

namespace ccrnn {

namespace {
constexpr EnumName<OptimizerKind> optimizer_names[] = {
    {OptimizerKind::adam, "adam"}, {OptimizerKind::rmsprop, "rmsprop"}, {OptimizerKind::sgd, "sgd"}};
}  // namespace

OptimizerKind parse_optimizer_kind(const std::string& name) { return parse_enum(optimizer_names, name, "optimizer"); }

std::string to_string(OptimizerKind kind) { return enum_name(optimizer_names, kind); }

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
void Optimizer<S>::restore(const Vector<S>& first, const Vector<S>& second, long steps) {
  if (first.size() != first_.size() || second.size() != second_.size() || steps < 0)
    throw std::invalid_argument("optimizer: the restored state has " + std::to_string(first.size()) +
                                " moments, expected " + std::to_string(first_.size()));
  first_ = first;
  second_ = second;
  steps_ = steps;
}

template <class S>
void Optimizer<S>::step(Vector<S>& values, const Vector<S>& grads, std::span<const Range> ranges) {
  ++steps_;
  // One pass over memory per parameter (these buffers exceed the L2 cache); plain loops that the
  // compiler vectorises. Formulas and their order follow torch.optim.
  S* __restrict p = values.data();
  const S* __restrict g = grads.data();
  S* __restrict first = first_.data();
  S* __restrict second = second_.data();
  const S lr = static_cast<S>(config_.lr), eps = static_cast<S>(config_.eps), mu = static_cast<S>(config_.momentum);
  for (const Range& r : ranges) {
    switch (config_.kind) {
      case OptimizerKind::adam: {
        // Adam (single-tensor path): m, v; step_size = lr / (1 - b1^t); denom = sqrt(v) / sqrt(1 - b2^t) + eps.
        const S b1 = static_cast<S>(config_.beta1), b2 = static_cast<S>(config_.beta2);
        const S step_size = static_cast<S>(config_.lr / (1.0 - std::pow(config_.beta1, static_cast<double>(steps_))));
        const S bc2_sqrt = static_cast<S>(std::sqrt(1.0 - std::pow(config_.beta2, static_cast<double>(steps_))));
        for (Index i = r.begin; i < r.end; ++i) {
          first[i] = b1 * first[i] + (1 - b1) * g[i];
          second[i] = b2 * second[i] + (1 - b2) * g[i] * g[i];
          p[i] -= step_size * first[i] / (std::sqrt(second[i]) / bc2_sqrt + eps);
        }
        break;
      }
      case OptimizerKind::rmsprop: {
        // RMSprop: v = alpha v + (1 - alpha) g^2; with momentum buf = mu buf + g / (sqrt(v) + eps), p -= lr buf.
        const S alpha = static_cast<S>(config_.alpha);
        const bool momentum = config_.momentum > 0;
        for (Index i = r.begin; i < r.end; ++i) {
          first[i] = alpha * first[i] + (1 - alpha) * g[i] * g[i];
          const S scaled = g[i] / (std::sqrt(first[i]) + eps);
          if (momentum) {
            second[i] = mu * second[i] + scaled;
            p[i] -= lr * second[i];
          } else {
            p[i] -= lr * scaled;
          }
        }
        break;
      }
      case OptimizerKind::sgd: {
        // SGD with momentum, no dampening: buf = mu buf + g (buf starts at zero, so the first step gives
        // buf = g as in PyTorch); p -= lr buf.
        for (Index i = r.begin; i < r.end; ++i) {
          first[i] = mu * first[i] + g[i];
          p[i] -= lr * first[i];
        }
        break;
      }
    }
  }
}

template <class S>
double global_norm(const Vector<S>& grads, std::span<const Range> ranges) {
  // Each range's sum of squares in the working precision (as torch), vectorised in a fixed order so the
  // result is reproducible; ranges are combined in double.
  double sum = 0.0;
  for (const Range& r : ranges) sum += static_cast<double>(grads.segment(r.begin, r.size()).squaredNorm());
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
