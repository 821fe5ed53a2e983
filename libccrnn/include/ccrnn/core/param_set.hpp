#pragma once
// All trainable parameters of a model and their gradients in ONE flat buffer each, with named matrix
// views. Optimizers, clipping, checkpoints and gradient checks then act on a single vector.
// Parameters are registered first (add), the buffers grow as they are added; views are created on
// demand (value(id), grad(id)), so no view ever dangles after a later add.
#include <ccrnn/core/types.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace ccrnn {

struct ParamSlot {
  std::string name;  // PyTorch-style dotted name, e.g. "cortex.weight_ih_l0"
  Index rows = 0;
  Index cols = 0;
  Index offset = 0;  // first element in the flat buffer; elements are column-major
  Index size() const { return rows * cols; }
  /// Biases are 1-D in PyTorch, (rows,); stored here as one column.
  bool is_bias() const { return cols == 1 && name.find(".bias") != std::string::npos; }
};

template <class S>
class ParamSet {
 public:
  /// Registers a rows x cols parameter initialised to zero; returns its id.
  int add(const std::string& name, Index rows, Index cols) {
    if (find(name) >= 0) throw std::invalid_argument("ParamSet: duplicate parameter name '" + name + "'");
    if (rows < 0 || cols < 0) throw std::invalid_argument("ParamSet: negative shape for '" + name + "'");
    ParamSlot slot{name, rows, cols, size()};
    slots_.push_back(slot);
    const Index n = size() + slot.size();
    values_.conservativeResize(n);
    grads_.conservativeResize(n);
    values_.tail(slot.size()).setZero();
    grads_.tail(slot.size()).setZero();
    return static_cast<int>(slots_.size()) - 1;
  }

  MatrixMap<S> value(int id) { return map(values_, id); }
  ConstMatrixMap<S> value(int id) const { return cmap(values_, id); }
  MatrixMap<S> grad(int id) { return map(grads_, id); }
  ConstMatrixMap<S> grad(int id) const { return cmap(grads_, id); }

  /// Id of the parameter with this name, or -1.
  int find(const std::string& name) const {
    for (size_t i = 0; i < slots_.size(); ++i)
      if (slots_[i].name == name) return static_cast<int>(i);
    return -1;
  }
  /// Id of the parameter with this name; throws std::out_of_range naming it when absent.
  int id(const std::string& name) const {
    const int i = find(name);
    if (i < 0) throw std::out_of_range("ParamSet: no parameter named '" + name + "'");
    return i;
  }

  const std::vector<ParamSlot>& slots() const { return slots_; }
  const ParamSlot& slot(int id) const { return slots_.at(static_cast<size_t>(id)); }
  Index size() const { return values_.size(); }

  Vector<S>& values() { return values_; }
  const Vector<S>& values() const { return values_; }
  Vector<S>& grads() { return grads_; }
  const Vector<S>& grads() const { return grads_; }

  void zero_grad() { grads_.setZero(); }

  /// The flat range covered by parameters [first_id, end_id).
  Range range(int first_id, int end_id) const {
    if (first_id >= end_id) return Range{0, 0};
    return Range{slot(first_id).offset, slot(end_id - 1).offset + slot(end_id - 1).size()};
  }

  /// A copy in another scalar type (same names, shapes and values).
  template <class T>
  ParamSet<T> cast() const {
    ParamSet<T> out;
    for (const auto& s : slots_) out.add(s.name, s.rows, s.cols);
    out.values() = values_.template cast<T>();
    out.grads() = grads_.template cast<T>();
    return out;
  }

 private:
  MatrixMap<S> map(Vector<S>& buf, int id) {
    const ParamSlot& s = slot(id);
    return MatrixMap<S>(buf.data() + s.offset, s.rows, s.cols);
  }
  ConstMatrixMap<S> cmap(const Vector<S>& buf, int id) const {
    const ParamSlot& s = slot(id);
    return ConstMatrixMap<S>(buf.data() + s.offset, s.rows, s.cols);
  }

  std::vector<ParamSlot> slots_;
  Vector<S> values_;
  Vector<S> grads_;
};

}  // namespace ccrnn
