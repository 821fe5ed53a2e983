// Bit-for-bit equality of numbers (NaN included, +0 and -0 told apart), for the tests that promise
// identical results. Empty data compares without memcmp: a null pointer is undefined behaviour there even
// with a length of zero (UBSan's finding in the sanitized suite).
#pragma once

#include <cstddef>
#include <cstring>
#include <vector>

#include <Eigen/Core>

namespace ccrnn::testing {

template <class T>
bool same_bits(const T* a, const T* b, std::size_t count) {
  return count == 0 || std::memcmp(a, b, count * sizeof(T)) == 0;
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && same_bits(a.data(), b.data(), a.size());
}

template <class T, int Rows, int Cols, int Options, int MaxRows, int MaxCols>
bool same_bits(const Eigen::Matrix<T, Rows, Cols, Options, MaxRows, MaxCols>& a,
               const Eigen::Matrix<T, Rows, Cols, Options, MaxRows, MaxCols>& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         same_bits(a.data(), b.data(), static_cast<std::size_t>(a.size()));
}

}  // namespace ccrnn::testing
