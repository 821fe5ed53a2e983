#pragma once
// The Python Model: a ccrnn Model in float32 or float64, chosen at construction.
#include <ccrnn/model.hpp>

#include <memory>
#include <string>
#include <variant>

namespace ccrnn::python {

/// The scalar type S of a Model<S> (or reference to one), e.g. inside a generic lambda given to visit().
template <class M>
using ScalarOf = typename std::decay_t<M>::Scalar;

class PyModel {
 public:
  PyModel(const ModelConfig& config, std::uint64_t seed, const std::string& dtype) : seed_(seed) {
    if (dtype == "float32" || dtype == "float")
      model_ = std::make_unique<Model<float>>(config);
    else if (dtype == "float64" || dtype == "double")
      model_ = std::make_unique<Model<double>>(config);
    else
      throw std::invalid_argument("Model: dtype must be 'float32' or 'float64', got '" + dtype + "'");
    std::visit([&](auto& m) { m->initialise(seed); }, model_);
  }

  /// A float32 model made elsewhere (e.g. loaded from a results file), initialised from `seed`.
  PyModel(std::unique_ptr<Model<float>> model, std::uint64_t seed) : model_(std::move(model)), seed_(seed) {}

  /// Calls f(Model<S>&) with the model's scalar type.
  template <class F>
  decltype(auto) visit(F&& f) {
    return std::visit([&](auto& p) -> decltype(auto) { return f(*p); }, model_);
  }
  template <class F>
  decltype(auto) visit(F&& f) const {
    return std::visit([&](const auto& p) -> decltype(auto) { return f(static_cast<const std::decay_t<decltype(*p)>&>(*p)); }, model_);
  }

  const ModelConfig& config() const {
    return visit([](const auto& m) -> const ModelConfig& { return m.config(); });
  }
  std::string dtype() const { return model_.index() == 0 ? "float32" : "float64"; }
  std::uint64_t seed() const { return seed_; }

 private:
  std::variant<std::unique_ptr<Model<float>>, std::unique_ptr<Model<double>>> model_;
  std::uint64_t seed_;
};

}  // namespace ccrnn::python
