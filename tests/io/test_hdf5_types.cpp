// The HDF5 wrapper's type queries and typed readers: dataset_info, read_floats, read_ints, uint8
// datasets, and h5py's boolean arrays.
#include <catch2/catch.hpp>

#include "support/scratch_dir.hpp"

#include <ccrnn/io/hdf5_file.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

using ccrnn::io::File;
using ccrnn::io::Hdf5Error;
using ccrnn::io::ValueKind;
using ccrnn::testing::ScratchDir;
using ccrnn::testing::write_text;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Hdf5Error& e) {
    return e.what();
  }
  FAIL("expected ccrnn::io::Hdf5Error");
  return {};
}

}  // namespace

TEST_CASE("dataset_info reports shape, kind and element size without reading", "[io]") {
  ScratchDir dir;
  const std::string path = dir.file("types.h5");
  {
    File f = File::create(path);
    f.root().write("f32", std::vector<float>(6, 1.0f), {2, 3});
    f.root().write("f64", std::vector<double>{1, 2});
    f.root().write("i64", std::vector<std::int64_t>{1, 2, 3, 4}, {1, 2, 2});
    f.root().write("u8", std::vector<std::uint8_t>{0, 1, 1, 0}, {2, 2});
    f.root().write("names", std::vector<std::string>{"a"});
  }
  const auto root = File::open_read(path).root();
  const auto f32 = root.dataset_info("f32");
  CHECK(f32.dims == std::vector<std::size_t>{2, 3});
  CHECK(f32.kind == ValueKind::floating_point);
  CHECK(f32.element_bytes == 4);
  CHECK(root.dataset_info("f64").element_bytes == 8);
  const auto i64 = root.dataset_info("i64");
  CHECK(i64.kind == ValueKind::integer);
  CHECK(i64.rank() == 3);
  const auto u8 = root.dataset_info("u8");
  CHECK(u8.kind == ValueKind::integer);
  CHECK(u8.element_bytes == 1);
  CHECK(root.dataset_info("names").kind == ValueKind::string);
  CHECK(root.dataset_info("names").type_name == "string");
  CHECK_THAT(error_of([&] { root.dataset_info("missing"); }),
             Catch::Contains(path) && Catch::Contains("'/missing' not found"));
}

TEST_CASE("read_floats and read_ints convert; read_ints refuses floating-point data", "[io]") {
  ScratchDir dir;
  const std::string path = dir.file("values.h5");
  {
    File f = File::create(path);
    f.root().write("f64", std::vector<double>{0.5, -2.0, 1e300}, {3});
    f.root().write("i64", std::vector<std::int64_t>{-1, 7}, {2});
    f.root().write("u8", std::vector<std::uint8_t>{0, 255}, {2});
  }
  const auto root = File::open_read(path).root();
  const auto floats = root.read_floats("f64");
  CHECK(floats.dims == std::vector<std::size_t>{3});
  CHECK(floats.data[0] == 0.5f);
  CHECK(floats.data[1] == -2.0f);
  CHECK(std::isinf(floats.data[2]));  // beyond float's range: callers check finiteness
  CHECK(root.read_ints("i64").data == std::vector<std::int64_t>{-1, 7});
  CHECK(root.read_ints("u8").data == std::vector<std::int64_t>{0, 255});
  CHECK(root.read_floats("i64").data == std::vector<float>{-1.0f, 7.0f});
  CHECK_THAT(error_of([&] { root.read_ints("f64"); }),
             Catch::Contains("'/f64' has type floating-point, expected integers"));
}

TEST_CASE("h5py's boolean arrays are read as 0/1 and reported as boolean", "[io]") {
  if (std::system("/usr/bin/python3 -c 'import h5py' >/dev/null 2>&1") != 0) {
    WARN("/usr/bin/python3 with h5py is not available; skipping the h5py boolean check");
    return;
  }
  ScratchDir dir;
  const std::string path = dir.file("bools.h5"), script = dir.file("make.py");
  write_text(script,
             "import h5py, numpy as np, sys\n"
             "with h5py.File(sys.argv[1], 'w') as f:\n"
             "    f['b'] = np.array([[True, False, True], [False, False, True]])\n"
             "    f['e'] = np.array([1, 2], dtype=h5py.enum_dtype({'RED': 1, 'BLUE': 2}, basetype='i1'))\n");
  REQUIRE(std::system(("/usr/bin/python3 '" + script + "' '" + path + "'").c_str()) == 0);
  const auto root = File::open_read(path).root();
  const auto info = root.dataset_info("b");
  CHECK(info.kind == ValueKind::boolean);
  CHECK(info.type_name == "boolean");
  CHECK(info.dims == std::vector<std::size_t>{2, 3});
  CHECK(root.read_ints("b").data == std::vector<std::int64_t>{1, 0, 1, 0, 0, 1});
  CHECK(root.read("b").data == std::vector<double>{1, 0, 1, 0, 0, 1});
  CHECK(root.dataset_info("e").kind == ValueKind::other);  // an enum of the user's is not a number
  CHECK_THAT(error_of([&] { root.read("e"); }), Catch::Contains("has type enum, expected a number"));
}
