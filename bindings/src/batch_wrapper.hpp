#pragma once
// The Python Batch: one batch of sequences, held in double precision and converted to a model's scalar
// type when used. numpy shapes: inputs (L, B, I), targets (L, B, O), labels (L, B), supervised (L,),
// context (B, C).
#include <ccrnn/train/batch.hpp>

namespace ccrnn::python {

struct PyBatch {
  Batch<double> batch;
  bool has_targets() const { return batch.targets.size() > 0; }
  bool has_labels() const { return !batch.labels.empty(); }

  template <class S>
  Batch<S> as() const {
    if constexpr (std::is_same_v<S, double>) {
      return batch;
    } else {
      Batch<S> out;
      out.size = batch.size;
      out.length = batch.length;
      out.inputs = batch.inputs.cast<S>();
      out.targets = batch.targets.cast<S>();
      out.labels = batch.labels;
      out.supervised = batch.supervised;
      out.mask = batch.mask;
      out.context = batch.context.cast<S>();
      return out;
    }
  }

  template <class S>
  static PyBatch from(const Batch<S>& b) {
    PyBatch out;
    out.batch.size = b.size;
    out.batch.length = b.length;
    out.batch.inputs = b.inputs.template cast<double>();
    out.batch.targets = b.targets.template cast<double>();
    out.batch.labels = b.labels;
    out.batch.supervised = b.supervised;
    out.batch.mask = b.mask;
    out.batch.context = b.context.template cast<double>();
    return out;
  }
};

}  // namespace ccrnn::python
