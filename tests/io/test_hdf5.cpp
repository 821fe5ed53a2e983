// Tests of the HDF5 wrapper (ccrnn/io/hdf5_file.hpp) and of AtomicOutput.
#include <catch2/catch.hpp>

#include "support/error_of.hpp"
#include "support/scratch_dir.hpp"

#include <ccrnn/io/atomic_output.hpp>
#include <ccrnn/io/hdf5_file.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using ccrnn::io::AtomicOutput;
using ccrnn::io::File;
using ccrnn::io::Group;
using ccrnn::io::Hdf5Error;
using ccrnn::testing::error_of;
using ccrnn::testing::read_text;
using ccrnn::testing::ScratchDir;
using ccrnn::testing::write_text;

namespace {

bool python_has_h5py() {
  return std::system("/usr/bin/python3 -c 'import h5py' >/dev/null 2>&1") == 0;
}

}  // namespace

TEST_CASE("1-D datasets of each numeric type round-trip", "[io]") {
  ScratchDir dir;
  const std::string path = dir.file("a.h5");
  const std::vector<double> d{1.5, -2.25, 1e-300, 3e300};
  const std::vector<float> f{0.5f, -1.0f, 3.25f};
  const std::vector<std::int64_t> i{-(std::int64_t{1} << 40), 0, 7};
  {
    File file = File::create(path);
    Group root = file.root();
    root.write("d", d);
    root.write("f", f);
    root.write("i", i);
    root.write("empty", std::vector<double>{});
    root.write("scalar", 2.5);
  }
  File file = File::open_read(path);
  Group root = file.root();
  auto rd = root.read("d");
  CHECK(rd.dims == std::vector<std::size_t>{4});
  CHECK(rd.data == d);
  auto rf = root.read("f", 1);
  CHECK(rf.data == std::vector<double>{0.5, -1.0, 3.25});
  auto ri = root.read("i");
  REQUIRE(ri.size() == 3);
  CHECK(ri.data[0] == -1099511627776.0);
  CHECK(ri.data[2] == 7.0);
  auto re = root.read("empty");
  CHECK(re.dims == std::vector<std::size_t>{0});
  CHECK(re.data.empty());
  auto rs = root.read("scalar");
  CHECK(rs.dims.empty());
  REQUIRE(rs.size() == 1);
  CHECK(rs.data[0] == 2.5);
}

TEST_CASE("3-D datasets are stored in row-major order", "[io]") {
  ScratchDir dir;
  const std::string path = dir.file("r.h5");
  const std::size_t D0 = 2, D1 = 3, D2 = 4;
  std::vector<double> data(D0 * D1 * D2);
  // value encodes its index: 100*i + 10*j + k
  for (std::size_t i = 0; i < D0; ++i)
    for (std::size_t j = 0; j < D1; ++j)
      for (std::size_t k = 0; k < D2; ++k) data[(i * D1 + j) * D2 + k] = static_cast<double>(100 * i + 10 * j + k);
  File::create(path).root().write("cube", data, {D0, D1, D2});

  auto a = File::open_read(path).root().read("cube", 3);
  REQUIRE(a.dims == std::vector<std::size_t>{D0, D1, D2});
  REQUIRE(a.data.size() == D0 * D1 * D2);
  CHECK(a.data[(1 * D1 + 2) * D2 + 3] == 123.0);
  CHECK(a.data[(0 * D1 + 1) * D2 + 2] == 12.0);
  CHECK(a.data == data);

  const std::string msg = error_of<Hdf5Error>([&] { File::open_read(path).root().read("cube", 2); });
  CHECK_THAT(msg, Catch::Contains(path) && Catch::Contains("expected 2 dimensions, found 3") &&
                      Catch::Contains("/cube"));
}

TEST_CASE("writing with a shape that does not match the data throws", "[io]") {
  ScratchDir dir;
  const std::string path = dir.file("bad_shape.h5");
  File f = File::create(path);
  const std::string msg =
      error_of<Hdf5Error>([&] { f.root().write("x", std::vector<double>{1, 2, 3}, std::vector<std::size_t>{2, 2}); });
  CHECK_THAT(msg, Catch::Contains(path) && Catch::Contains("'/x'"));
  f.root().write("y", std::vector<double>{1});
  CHECK_THAT(error_of<Hdf5Error>([&] { f.root().write("y", std::vector<double>{2}); }), Catch::Contains("already exists"));
}

TEST_CASE("string datasets round-trip, including UTF-8 and empty strings", "[io]") {
  ScratchDir dir;
  const std::string path = dir.file("s.h5");
  const std::vector<std::string> names{"cortex.weight_ih_l0", "", "\xc3\xa9t\xc3\xa9 (UTF-8)"};
  {
    File f = File::create(path);
    f.root().write("names", names);
    f.root().write("none", std::vector<std::string>{});
  }
  File f = File::open_read(path);
  CHECK(f.root().read_strings("names") == names);
  CHECK(f.root().read_strings("none").empty());
  // A string dataset is not numeric, and a numeric one is not strings.
  CHECK_THAT(error_of<Hdf5Error>([&] { f.root().read("names"); }), Catch::Contains(path) && Catch::Contains("string"));
}

TEST_CASE("attributes of each type round-trip on the root and on groups", "[io]") {
  ScratchDir dir;
  const std::string path = dir.file("attrs.h5");
  {
    File f = File::create(path);
    Group root = f.root();
    root.set_attr("version", std::string("0.1.0"));
    root.set_attr("seed", std::int64_t{-42});
    root.set_attr("count", 3);                    // int goes through the integral template
    root.set_attr("size", std::size_t{12});       // so does size_t
    root.set_attr("lr", 1e-3);
    root.set_attr("betas", std::vector<double>{0.9, 0.999});
    root.set_attr("task", "ball");                // const char*
    root.set_attr("lr", 2e-3);                    // replaces
    Group g = root.create_group("crnn");
    g.set_attr("note", std::string("caf\xc3\xa9"));
    g.set_attr("empty", std::string());
  }
  File f = File::open_read(path);
  Group root = f.root();
  CHECK(root.attr_string("version") == "0.1.0");
  CHECK(root.attr_int("seed") == -42);
  CHECK(root.attr_int("count") == 3);
  CHECK(root.attr_int("size") == 12);
  CHECK(root.attr_double("seed") == -42.0);  // integers are numbers too
  CHECK(root.attr_double("lr") == 2e-3);
  CHECK(root.attr_doubles("betas") == std::vector<double>{0.9, 0.999});
  CHECK(root.attr_doubles("lr") == std::vector<double>{2e-3});
  CHECK(root.attr_string("task") == "ball");
  CHECK(root.has_attr("seed"));
  CHECK_FALSE(root.has_attr("nope"));
  CHECK(root.attr_names() == std::vector<std::string>{"betas", "count", "lr", "seed", "size", "task", "version"});
  Group g = root.open_group("crnn");
  CHECK(g.attr_string("note") == "caf\xc3\xa9");
  CHECK(g.attr_string("empty").empty());
  CHECK(g.attr_names() == std::vector<std::string>{"empty", "note"});
}

TEST_CASE("attribute errors name the file, the group and the attribute", "[io]") {
  ScratchDir dir;
  const std::string path = dir.file("attr_err.h5");
  {
    File f = File::create(path);
    Group g = f.root().create_group("g");
    g.set_attr("name", std::string("x"));
    g.set_attr("lr", 0.5);
    g.set_attr("v", std::vector<double>{1, 2});
  }
  Group g = File::open_read(path).root().open_group("g");
  std::string msg = error_of<Hdf5Error>([&] { g.attr_double("name"); });
  CHECK_THAT(msg, Catch::Contains(path) && Catch::Contains("'name'") && Catch::Contains("'/g'") &&
                      Catch::Contains("string"));
  msg = error_of<Hdf5Error>([&] { g.attr_int("lr"); });
  CHECK_THAT(msg, Catch::Contains(path) && Catch::Contains("'lr'") && Catch::Contains("floating-point"));
  msg = error_of<Hdf5Error>([&] { g.attr_string("lr"); });
  CHECK_THAT(msg, Catch::Contains(path) && Catch::Contains("'lr'"));
  msg = error_of<Hdf5Error>([&] { g.attr_double("missing"); });
  CHECK_THAT(msg, Catch::Contains(path) && Catch::Contains("'missing'") && Catch::Contains("not found"));
  msg = error_of<Hdf5Error>([&] { g.attr_double("v"); });  // two values, not a scalar
  CHECK_THAT(msg, Catch::Contains(path) && Catch::Contains("'v'"));
  // Writing into a file opened read-only is refused with a clear message.
  msg = error_of<Hdf5Error>([&] { g.set_attr("new", 1.0); });
  CHECK_THAT(msg, Catch::Contains(path) && Catch::Contains("read-only"));
}

TEST_CASE("nested groups, has(), children() and paths", "[io]") {
  ScratchDir dir;
  const std::string path = dir.file("groups.h5");
  {
    File f = File::create(path);
    Group root = f.root();
    CHECK(root.path() == "/");
    Group seed = root.create_group("crnn/seed_1");  // creates "crnn" on the way
    CHECK(seed.path() == "/crnn/seed_1");
    seed.write("train_error", std::vector<double>{3, 2, 1});
    root.create_group("crnn/seed_0");
    root.open_group("crnn").create_group("seed_10");
    root.create_group("baseline");
    root.write("deep/inside/x", 1.0);  // datasets create missing groups too
    CHECK(root.require_group("baseline").path() == "/baseline");
    CHECK(root.require_group("new").path() == "/new");
    CHECK_THAT(error_of<Hdf5Error>([&] { root.create_group("baseline"); }),
               Catch::Contains(path) && Catch::Contains("already exists"));
  }
  File f = File::open_read(path);
  Group root = f.root();
  CHECK(root.children() == std::vector<std::string>{"baseline", "crnn", "deep", "new"});
  Group crnn = root.open_group("crnn");
  CHECK(crnn.path() == "/crnn");
  CHECK(crnn.children() == std::vector<std::string>{"seed_0", "seed_1", "seed_10"});
  CHECK(root.open_group("crnn/seed_1").children() == std::vector<std::string>{"train_error"});
  CHECK(root.has("crnn"));
  CHECK(root.has("crnn/seed_1/train_error"));
  CHECK(crnn.has("seed_1/train_error"));
  CHECK_FALSE(root.has("crnn/seed_2"));
  CHECK_FALSE(root.has("nope/deeper/still"));
  CHECK_FALSE(root.has("crnn/seed_1/train_error/below_a_dataset"));
  CHECK(root.is_group("crnn/seed_1"));
  CHECK_FALSE(root.is_group("crnn/seed_1/train_error"));
  CHECK(root.is_dataset("crnn/seed_1/train_error"));
  CHECK(root.read("crnn/seed_1/train_error").data == std::vector<double>{3, 2, 1});
  CHECK(root.read("deep/inside/x").data == std::vector<double>{1.0});

  std::string msg = error_of<Hdf5Error>([&] { root.read("crnn/seed_1/missing"); });
  CHECK_THAT(msg, Catch::Contains(path) && Catch::Contains("dataset '/crnn/seed_1/missing' not found"));
  msg = error_of<Hdf5Error>([&] { crnn.open_group("seed_7"); });
  CHECK_THAT(msg, Catch::Contains(path) && Catch::Contains("group '/crnn/seed_7' not found"));
  msg = error_of<Hdf5Error>([&] { root.open_group("crnn/seed_1/train_error"); });
  CHECK_THAT(msg, Catch::Contains(path) && Catch::Contains("not a group"));
  msg = error_of<Hdf5Error>([&] { root.read("crnn"); });
  CHECK_THAT(msg, Catch::Contains(path) && Catch::Contains("not a dataset"));
}

TEST_CASE("a Group keeps its file open after the File is gone", "[io]") {
  ScratchDir dir;
  const std::string path = dir.file("lifetime.h5");
  Group g = [&] {
    File f = File::create(path);
    return f.root().create_group("g");
  }();
  g.write("x", std::vector<double>{4, 5});
  g.set_attr("ok", std::int64_t{1});
  // The file is still open through g: HDF5 refuses to truncate a file that is open.
  CHECK_THROWS_AS(File::create(path), Hdf5Error);
  Group copy = g;  // copies share the handle
  CHECK(copy.path() == "/g");
  CHECK(copy.file_path() == path);
  g = copy.open_group("/");
  CHECK(g.path() == "/");
  CHECK(g.children() == std::vector<std::string>{"g"});
  // Release every handle on the file, then reopen it.
  g = File::create(dir.file("other.h5")).root();
  copy = g;
  File f = File::open_read(path);
  CHECK(f.root().read("g/x").data == std::vector<double>{4, 5});
  CHECK(f.root().open_group("g").attr_int("ok") == 1);
  f.close();
  // Every handle on `path` is closed now, so it can be recreated.
  CHECK_NOTHROW(File::create(path));
}

TEST_CASE("File is movable and close() is explicit", "[io]") {
  ScratchDir dir;
  const std::string path = dir.file("move.h5");
  File a = File::create(path);
  File b = std::move(a);
  CHECK_FALSE(a.is_open());  // NOLINT(bugprone-use-after-move): documented moved-from state
  CHECK(b.is_open());
  CHECK(b.path() == path);
  b.root().write("x", 1.0);
  b.flush();
  b.close();
  CHECK_FALSE(b.is_open());
  CHECK_THROWS_AS(b.root(), Hdf5Error);
  CHECK(File::open_read(path).root().read("x").data == std::vector<double>{1.0});
}

TEST_CASE("opening a missing or non-HDF5 file throws Hdf5Error naming the file", "[io]") {
  ScratchDir dir;
  const std::string missing = dir.file("missing.h5");
  std::string msg = error_of<Hdf5Error>([&] { File::open_read(missing); });
  CHECK_THAT(msg, Catch::Contains(missing));

  const std::string garbage = dir.file("garbage.h5");
  write_text(garbage, std::string("this is definitely not an HDF5 file\x01\x02\x03\xff", 40));
  msg = error_of<Hdf5Error>([&] { File::open_read(garbage); });
  CHECK_THAT(msg, Catch::Contains(garbage) && Catch::Contains("not an HDF5 file"));

  const std::string empty = dir.file("empty.h5");
  write_text(empty, "");
  CHECK_THAT(error_of<Hdf5Error>([&] { File::open_read(empty); }), Catch::Contains(empty));

  const std::string no_dir = dir.file("no/such/dir/x.h5");
  CHECK_THAT(error_of<Hdf5Error>([&] { File::create(no_dir); }), Catch::Contains(no_dir));
  const std::string a_dir = dir.path().string();
  CHECK_THAT(error_of<Hdf5Error>([&] { File::create(a_dir); }), Catch::Contains(a_dir) && Catch::Contains("directory"));
  CHECK_THAT(error_of<Hdf5Error>([&] { File::open_read(a_dir); }), Catch::Contains(a_dir) && Catch::Contains("directory"));
}

TEST_CASE("h5py reads what we write", "[io]") {
  if (!python_has_h5py()) {
    WARN("/usr/bin/python3 with h5py is not available; skipping the h5py interoperability check");
    return;
  }
  ScratchDir dir;
  const std::string path = dir.file("for_python.h5");
  {
    std::vector<double> data(2 * 3 * 4);
    for (std::size_t n = 0; n < data.size(); ++n) data[n] = static_cast<double>(n);
    File f = File::create(path);
    Group g = f.root().create_group("crnn/seed_1");
    g.write("cube", data, {2, 3, 4});
    g.write("ints", std::vector<std::int64_t>{1, 2, 3});
    g.write("names", std::vector<std::string>{"alpha", "beta"});
    g.set_attr("task", std::string("ball"));
    g.set_attr("seed", std::int64_t{7});
    f.root().set_attr("lr", 0.25);
  }
  // cube[1][2][3] == (1*3 + 2)*4 + 3 == 23
  const std::string script =
      "import h5py, sys\n"
      "f = h5py.File(sys.argv[1], 'r')\n"
      "g = f['crnn/seed_1']\n"
      "assert g['cube'].shape == (2, 3, 4), g['cube'].shape\n"
      "assert g['cube'][1, 2, 3] == 23.0\n"
      "assert g['ints'].dtype.kind == 'i' and list(g['ints'][()]) == [1, 2, 3]\n"
      "assert [s.decode() if isinstance(s, bytes) else s for s in g['names'][()]] == ['alpha', 'beta']\n"
      "t = g.attrs['task']\n"
      "assert isinstance(t, str) and t == 'ball', repr(t)\n"
      "assert int(g.attrs['seed']) == 7\n"
      "assert float(f.attrs['lr']) == 0.25\n";
  const std::string script_path = dir.file("check.py");
  write_text(script_path, script);
  const std::string cmd = "/usr/bin/python3 '" + script_path + "' '" + path + "'";
  CHECK(std::system(cmd.c_str()) == 0);
}

TEST_CASE("we read what h5py writes", "[io]") {
  if (!python_has_h5py()) {
    WARN("/usr/bin/python3 with h5py is not available; skipping the h5py interoperability check");
    return;
  }
  ScratchDir dir;
  const std::string path = dir.file("from_python.h5");
  const std::string script =
      "import h5py, numpy as np, sys\n"
      "with h5py.File(sys.argv[1], 'w') as f:\n"
      "    f['m'] = np.arange(6, dtype=np.int32).reshape(2, 3)\n"
      "    f['fixed'] = np.array([b'ab', b'c'], dtype='S2')\n"
      "    f['vlen'] = ['x', 'yz']\n"
      "    f.attrs['s'] = 'hello'\n"
      "    f.attrs['fs'] = np.bytes_(b'fixed')\n"
      "    f.attrs['i'] = 5\n"
      "    f.attrs['f32'] = np.float32(0.5)\n";
  const std::string script_path = dir.file("make.py");
  write_text(script_path, script);
  const std::string cmd = "/usr/bin/python3 '" + script_path + "' '" + path + "'";
  REQUIRE(std::system(cmd.c_str()) == 0);
  Group root = File::open_read(path).root();
  auto m = root.read("m", 2);
  CHECK(m.dims == std::vector<std::size_t>{2, 3});
  CHECK(m.data == std::vector<double>{0, 1, 2, 3, 4, 5});
  CHECK(root.read_strings("fixed") == std::vector<std::string>{"ab", "c"});
  CHECK(root.read_strings("vlen") == std::vector<std::string>{"x", "yz"});
  CHECK(root.attr_string("s") == "hello");
  CHECK(root.attr_string("fs") == "fixed");
  CHECK(root.attr_int("i") == 5);
  CHECK(root.attr_double("f32") == 0.5);
}

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
  CHECK(f32.kind == ccrnn::io::ValueKind::floating_point);
  CHECK(f32.element_bytes == 4);
  CHECK(root.dataset_info("f64").element_bytes == 8);
  const auto i64 = root.dataset_info("i64");
  CHECK(i64.kind == ccrnn::io::ValueKind::integer);
  CHECK(i64.rank() == 3);
  const auto u8 = root.dataset_info("u8");
  CHECK(u8.kind == ccrnn::io::ValueKind::integer);
  CHECK(u8.element_bytes == 1);
  CHECK(root.dataset_info("names").kind == ccrnn::io::ValueKind::string);
  CHECK(root.dataset_info("names").type_name == "string");
  CHECK_THAT(error_of<Hdf5Error>([&] { root.dataset_info("missing"); }),
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
  CHECK_THAT(error_of<Hdf5Error>([&] { root.read_ints("f64"); }),
             Catch::Contains("'/f64' has type floating-point, expected integers"));
}

TEST_CASE("h5py's boolean arrays are read as 0/1 and reported as boolean", "[io]") {
  if (!python_has_h5py()) {
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
  CHECK(info.kind == ccrnn::io::ValueKind::boolean);
  CHECK(info.type_name == "boolean");
  CHECK(info.dims == std::vector<std::size_t>{2, 3});
  CHECK(root.read_ints("b").data == std::vector<std::int64_t>{1, 0, 1, 0, 0, 1});
  CHECK(root.read("b").data == std::vector<double>{1, 0, 1, 0, 0, 1});
  CHECK(root.dataset_info("e").kind == ccrnn::io::ValueKind::other);  // an enum of the user's is not a number
  CHECK_THAT(error_of<Hdf5Error>([&] { root.read("e"); }), Catch::Contains("has type enum, expected a number"));
}

TEST_CASE("AtomicOutput refuses an existing target unless asked to overwrite", "[io]") {
  ScratchDir dir;
  const std::string target = dir.file("result.json");
  write_text(target, "old");
  const std::string msg = error_of<std::runtime_error>([&] { AtomicOutput out(target, false); });
  CHECK_THAT(msg, Catch::Contains(target) && Catch::Contains("--overwrite"));
  CHECK(read_text(target) == "old");
  // No temporary file was left behind either.
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);

  {
    AtomicOutput out(target, true);
    write_text(out.temp_path(), "new");
    CHECK(read_text(target) == "old");  // untouched until commit
    out.commit();
    CHECK(out.committed());
  }
  CHECK(read_text(target) == "new");
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
}

TEST_CASE("AtomicOutput publishes the file only at commit", "[io]") {
  ScratchDir dir;
  const std::string target = dir.file("sub/dir/result.h5");  // parents are created
  AtomicOutput out(target, false);
  CHECK(fs::is_directory(dir.path() / "sub" / "dir"));
  CHECK(fs::path(out.temp_path()).parent_path() == fs::path(target).parent_path());
  CHECK_THAT(out.temp_path(), Catch::StartsWith(target + ".tmp."));
  {
    File f = File::create(out.temp_path());
    f.root().write("x", std::vector<double>{1, 2, 3});
  }
  CHECK_FALSE(fs::exists(target));
  out.commit();
  CHECK(fs::exists(target));
  CHECK_FALSE(fs::exists(out.temp_path()));
  CHECK(File::open_read(target).root().read("x").data == std::vector<double>{1, 2, 3});
  CHECK_THROWS_AS(out.commit(), std::logic_error);
}

TEST_CASE("AtomicOutput removes the temporary file when commit is never reached", "[io]") {
  ScratchDir dir;
  const std::string target = dir.file("result.h5");
  std::string temp;
  try {
    AtomicOutput out(target, false);
    temp = out.temp_path();
    File f = File::create(out.temp_path());
    f.root().write("partial", 1.0);
    throw std::runtime_error("simulated failure half-way");
  } catch (const std::runtime_error&) {
  }
  CHECK_FALSE(temp.empty());
  CHECK_FALSE(fs::exists(temp));
  CHECK_FALSE(fs::exists(target));
}

TEST_CASE("AtomicOutput never clobbers a target that appears while writing", "[io]") {
  ScratchDir dir;
  const std::string target = dir.file("race.txt");
  AtomicOutput out(target, false);
  write_text(out.temp_path(), "mine");
  write_text(target, "theirs");  // someone else finished first
  const std::string msg = error_of<std::runtime_error>([&] { out.commit(); });
  CHECK_THAT(msg, Catch::Contains(target) && Catch::Contains(out.temp_path()));
  CHECK(read_text(target) == "theirs");
  CHECK(read_text(out.temp_path()) == "mine");  // our result is kept, not lost
  CHECK_FALSE(out.committed());
  CHECK_THROWS_AS(out.commit(), std::logic_error);
}

TEST_CASE("AtomicOutput: commit without writing, and two writers of one target", "[io]") {
  ScratchDir dir;
  const std::string target = dir.file("nothing.h5");
  {
    AtomicOutput out(target, false);
    CHECK_THAT(error_of<std::runtime_error>([&] { out.commit(); }), Catch::Contains("nothing was written"));
    CHECK_FALSE(fs::exists(target));
    CHECK_THAT(error_of<std::runtime_error>([&] { AtomicOutput second(target, false); }), Catch::Contains(target));
  }
  AtomicOutput again(target, false);  // the first one is gone, so this is fine
  AtomicOutput moved = std::move(again);
  write_text(moved.temp_path(), "x");
  moved.commit();
  CHECK(read_text(target) == "x");
}

TEST_CASE("A write that fails into an AtomicOutput's temporary file names the final file and what became of it", "[io]") {
  ScratchDir dir;
  const std::string target = dir.file("result.h5"), fresh = dir.file("fresh.h5");
  write_text(target, "old");
  const auto failed_write = [](const std::string& path) {
    return error_of<Hdf5Error>([&] {
      AtomicOutput out(path, true);
      File file = File::create(out.temp_path());
      Group root = file.root();
      root.write("x", std::vector<double>{1.0});
      root.write("x", std::vector<double>{2.0});  // already exists: the write fails, as on a full disk
    });
  };
  const std::string over_existing = failed_write(target);
  CHECK_THAT(over_existing, Catch::StartsWith(target + " was not written (") && Catch::Contains("its earlier content is kept") &&
                                Catch::Contains("already exists"));
  CHECK(read_text(target) == "old");
  CHECK_THAT(failed_write(fresh), Catch::StartsWith(fresh + " was not written (") && Catch::Contains("no file was created"));
  CHECK_FALSE(fs::exists(fresh));
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);  // no temporary file left
  // A file not written for an AtomicOutput keeps its own name in errors.
  File plain = File::create(fresh);
  Group root = plain.root();
  root.write("x", std::vector<double>{1.0});
  CHECK_THAT(error_of<Hdf5Error>([&] { root.write("x", std::vector<double>{2.0}); }), Catch::StartsWith(fresh + ": "));
}
