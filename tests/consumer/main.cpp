// Downstream smoke test: include the installed headers, build a ParamSet<float>, write it to HDF5
// and read it back. Prints OK and returns 0 on success, non-zero on any mismatch or error.
//   usage: consumer [output.h5]
#include <ccrnn/core/param_set.hpp>
#include <ccrnn/io/hdf5_file.hpp>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "ccrnn_consumer_test.h5";
  try {
    ccrnn::ParamSet<float> params;
    const int w = params.add("cortex.weight_ih_l0", 3, 2);
    const int b = params.add("cortex.bias_ih_l0", 3, 1);
    for (ccrnn::Index r = 0; r < 3; ++r) {
      for (ccrnn::Index c = 0; c < 2; ++c) params.value(w)(r, c) = static_cast<float>(10 * r + c) + 0.5f;
      params.value(b)(r, 0) = -static_cast<float>(r);
    }

    {
      ccrnn::io::File file = ccrnn::io::File::create(path);
      ccrnn::io::Group group = file.root().create_group("params");
      group.set_attr("count", static_cast<std::int64_t>(params.slots().size()));
      for (const auto& slot : params.slots()) {
        // Eigen is column-major; HDF5 datasets are row-major, so write element (r, c) at r*cols + c.
        const auto m = params.value(params.id(slot.name));
        std::vector<float> row_major;
        row_major.reserve(static_cast<std::size_t>(slot.size()));
        for (ccrnn::Index r = 0; r < slot.rows; ++r)
          for (ccrnn::Index c = 0; c < slot.cols; ++c) row_major.push_back(m(r, c));
        group.write(slot.name, row_major,
                    {static_cast<std::size_t>(slot.rows), static_cast<std::size_t>(slot.cols)});
      }
    }

    ccrnn::io::File file = ccrnn::io::File::open_read(path);
    ccrnn::io::Group group = file.root().open_group("params");
    int mismatches = 0;
    if (group.attr_int("count") != static_cast<std::int64_t>(params.slots().size())) ++mismatches;
    for (const auto& slot : params.slots()) {
      const ccrnn::io::Array a = group.read(slot.name, 2);
      if (a.dims != std::vector<std::size_t>{static_cast<std::size_t>(slot.rows), static_cast<std::size_t>(slot.cols)}) {
        std::cerr << "shape mismatch for " << slot.name << "\n";
        ++mismatches;
        continue;
      }
      const auto m = params.value(params.id(slot.name));
      for (ccrnn::Index r = 0; r < slot.rows; ++r)
        for (ccrnn::Index c = 0; c < slot.cols; ++c)
          if (static_cast<float>(a.data[static_cast<std::size_t>(r * slot.cols + c)]) != m(r, c)) {
            std::cerr << "value mismatch for " << slot.name << "(" << r << ", " << c << ")\n";
            ++mismatches;
          }
    }
    if (mismatches != 0) {
      std::cerr << "FAILED: " << mismatches << " mismatches\n";
      return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "FAILED: " << e.what() << "\n";
    return 2;
  }
  std::cout << "OK\n";
  return 0;
}
