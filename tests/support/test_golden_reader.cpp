// Tests of the golden-file reader (tests/support/golden_file.hpp).
#include <catch2/catch.hpp>

#include "golden_file.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace {

namespace fs = std::filesystem;
using ccrnn::testing::GoldenFile;

// A file in a fresh temporary directory, removed with it at scope exit.
class TempFile {
public:
    TempFile(const std::string& name, const std::string& content) {
        static std::atomic<unsigned> counter{0};
        const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        dir_ = fs::temp_directory_path() /
               ("ccrnn_golden_" + std::to_string(stamp) + "_" + std::to_string(counter++));
        fs::create_directories(dir_);
        path_ = (dir_ / name).string();
        std::ofstream out(path_);
        out << content;
    }
    ~TempFile() {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    const std::string& path() const { return path_; }

private:
    fs::path dir_;
    std::string path_;
};

const char* const kGood =
    "# a comment\n"
    "tensor alpha 0\n"
    "0.10000000000000001\n"
    "\n"
    "tensor m 2 2 3\n"
    "1 2 3\n"
    "# comment between values\n"
    "4 5\n"
    "6\n"
    "tensor cube 3 2 2 2\n"
    "0 1 2 3 4 5 6 -7.5e-3\n"
    "tensor v 1 4\n"
    "  -1.25   2.5e+10\t-0   3.141592653589793  \n";

std::string what_of(const std::string& path) {
    try {
        GoldenFile f(path);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "(no exception)";
}

}  // namespace

TEST_CASE("golden reader: values, dims and names", "[golden]") {
    TempFile tmp("good.txt", kGood);
    const GoldenFile f(tmp.path());

    const std::vector<std::string> expected{"alpha", "m", "cube", "v"};
    CHECK(f.names() == expected);
    CHECK(f.has("m"));
    CHECK_FALSE(f.has("missing"));

    const auto& alpha = f.get("alpha");
    CHECK(alpha.dims.empty());
    REQUIRE(alpha.values.size() == 1);
    CHECK(alpha.values[0] == 0.1);  // %.17g round-trips exactly
    CHECK(alpha.at({}) == 0.1);
    CHECK(alpha.scalar() == 0.1);

    const auto& m = f.get("m");
    CHECK(m.dims == std::vector<std::size_t>{2, 3});
    CHECK(m.values == std::vector<double>{1, 2, 3, 4, 5, 6});

    const auto& v = f.get("v");
    CHECK(v.dims == std::vector<std::size_t>{4});
    CHECK(v.at({0}) == -1.25);
    CHECK(v.at({1}) == 2.5e10);
    CHECK(v.at({3}) == 3.141592653589793);
}

TEST_CASE("golden reader: at() is row-major", "[golden]") {
    TempFile tmp("good.txt", kGood);
    const GoldenFile f(tmp.path());

    const auto& m = f.get("m");
    CHECK(m.at({0, 0}) == 1);
    CHECK(m.at({0, 2}) == 3);
    CHECK(m.at({1, 0}) == 4);
    CHECK(m.at({1, 2}) == 6);

    const auto& cube = f.get("cube");
    CHECK(cube.at({0, 0, 1}) == 1);
    CHECK(cube.at({0, 1, 0}) == 2);
    CHECK(cube.at({1, 0, 0}) == 4);
    CHECK(cube.at({1, 1, 1}) == -7.5e-3);

    CHECK_THROWS_AS(m.at({2, 0}), std::out_of_range);
    CHECK_THROWS_AS(m.at({0, 3}), std::out_of_range);
    CHECK_THROWS_AS(m.at({0}), std::out_of_range);
}

TEST_CASE("golden reader: a missing name throws out_of_range naming it and the file",
          "[golden]") {
    TempFile tmp("good.txt", kGood);
    const GoldenFile f(tmp.path());
    CHECK_THROWS_AS(f.get("grad.nothing"), std::out_of_range);
    try {
        f.get("grad.nothing");
        FAIL("no exception");
    } catch (const std::out_of_range& e) {
        const std::string what = e.what();
        CHECK(what.find("grad.nothing") != std::string::npos);
        CHECK(what.find(tmp.path()) != std::string::npos);
    }
}

TEST_CASE("golden reader: malformed files throw runtime_error naming file and line",
          "[golden]") {
    SECTION("too few values") {
        TempFile tmp("short.txt", "# c\ntensor a 1 3\n1 2\n");
        const auto what = what_of(tmp.path());
        CHECK(what.find(tmp.path() + ":3") != std::string::npos);
        CHECK(what.find("'a'") != std::string::npos);
    }
    SECTION("next header before the values are complete") {
        TempFile tmp("early.txt", "tensor a 1 3\n1 2\ntensor b 0\n5\n");
        CHECK(what_of(tmp.path()).find(tmp.path() + ":3") != std::string::npos);
    }
    SECTION("too many values") {
        TempFile tmp("long.txt", "tensor a 2 1 2\n1 2 3\n");
        CHECK(what_of(tmp.path()).find(tmp.path() + ":2") != std::string::npos);
    }
    SECTION("a value that is not a number") {
        TempFile tmp("nan.txt", "tensor a 1 2\n1\n\nx2\n");
        CHECK(what_of(tmp.path()).find(tmp.path() + ":4") != std::string::npos);
    }
    SECTION("rank and dimension count disagree") {
        TempFile tmp("rank.txt", "# c\n\ntensor a 2 3\n1 2 3\n");
        CHECK(what_of(tmp.path()).find(tmp.path() + ":3") != std::string::npos);
    }
    SECTION("not a header") {
        TempFile tmp("junk.txt", "tensor a 0\n1\nvalues 1 2\n");
        CHECK(what_of(tmp.path()).find(tmp.path() + ":3") != std::string::npos);
    }
    SECTION("duplicate name") {
        TempFile tmp("dup.txt", "tensor a 0\n1\ntensor a 0\n2\n");
        CHECK(what_of(tmp.path()).find(tmp.path() + ":3") != std::string::npos);
    }
    SECTION("missing file") {
        CHECK_THROWS_AS(GoldenFile("/nonexistent/dir/golden.txt"), std::runtime_error);
    }
}

TEST_CASE("golden reader: the committed golden files parse", "[golden]") {
    // located relative to this source file; skipped if the build hides the path
    const fs::path dir = fs::path(__FILE__).parent_path().parent_path() / "golden";
    for (const char* name : {"lstm_ccrnn_mse.txt", "lstm_ccrnn_xent.txt", "lstm_crnn_mse.txt"}) {
        const fs::path path = dir / name;
        if (!fs::exists(path)) {
            WARN("golden file not found, skipped: " << path.string());
            continue;
        }
        const GoldenFile f(path.string());
        CHECK(f.get("B").scalar() == 4);
        CHECK(f.get("L").scalar() == 7);
        CHECK(f.get("x").dims == std::vector<std::size_t>{4, 7, 3});
        CHECK(f.get("states").dims == std::vector<std::size_t>{8, 4, 10});
        CHECK(f.get("cortex.weight_ih_l0").dims == std::vector<std::size_t>{20, 3});
        CHECK(f.get("grad_norm").scalar() > f.get("clip").scalar());
        CHECK(f.has("cerebellum.layers.2.weight") == f.has("targets"));
    }
}
