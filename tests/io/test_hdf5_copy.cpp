// Copying a whole group between files (how ccrnn-sweep merges its per-run part files).
#include <ccrnn/io/hdf5_file.hpp>

#include <catch2/catch.hpp>

#include "support/scratch_dir.hpp"

using ccrnn::io::File;
using ccrnn::io::Hdf5Error;

TEST_CASE("copy_group_from copies datasets, subgroups and attributes of every type", "[io]") {
  const ccrnn::testing::ScratchDir dir;
  const std::string source_path = dir.file("part.h5"), target_path = dir.file("all.h5");
  {
    File f = File::create(source_path);
    auto root = f.root();
    root.set_attr("seed", std::int64_t{7});
    root.set_attr("lr", 0.001);
    root.set_attr("model", "ccrnn");
    root.write("curve", std::vector<double>{3.0, 2.0, 1.5});
    root.create_group("arrays").write("ids", std::vector<std::int64_t>{4, 5}, {2});
  }
  {
    File source = File::open_read(source_path);
    File target = File::create(target_path);
    auto runs = target.root().create_group("runs");
    runs.copy_group_from(source.root(), "run_00001");
    CHECK_THROWS_AS(runs.copy_group_from(source.root(), "run_00001"), Hdf5Error);  // exists
  }
  File check = File::open_read(target_path);
  const auto run = check.root().open_group("runs/run_00001");
  CHECK(run.attr_int("seed") == 7);
  CHECK(run.attr_double("lr") == 0.001);
  CHECK(run.attr_string("model") == "ccrnn");
  CHECK(run.read("curve").data == std::vector<double>{3.0, 2.0, 1.5});
  CHECK(run.read("arrays/ids").data == std::vector<double>{4.0, 5.0});
  check.close();
}
