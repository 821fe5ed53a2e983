// golden_file.hpp - header-only reader of the golden-number text files that
// tests/golden/make_golden.py writes (float64 reference values from PyTorch).
//
// Format (text, one tensor per block):
//   # comment lines start with '#' (allowed anywhere, also between values)
//   tensor <name> <ndim> <d0> <d1> ...
//   <prod(d) values, row-major (C order), separated by whitespace, any number per line>
// A scalar has ndim 0 and one value.  Blank lines are ignored.
//
// Standard library only (C++20).
#pragma once

#include <charconv>
#include <cstddef>
#include <fstream>
#include <initializer_list>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace ccrnn::testing {

struct GoldenTensor {
    std::vector<std::size_t> dims;  // empty for a scalar
    std::vector<double> values;     // row-major (C order)

    std::size_t size() const { return values.size(); }

    // Element at a multi-index (one index per dimension; {} for a scalar).
    double at(std::initializer_list<std::size_t> index) const {
        if (index.size() != dims.size()) {
            throw std::out_of_range("GoldenTensor::at: " + std::to_string(index.size()) +
                                    " indices given for a tensor of rank " +
                                    std::to_string(dims.size()));
        }
        std::size_t offset = 0;
        std::size_t k = 0;
        for (std::size_t i : index) {
            if (i >= dims[k]) {
                throw std::out_of_range("GoldenTensor::at: index " + std::to_string(i) +
                                        " out of range for dimension " + std::to_string(k) +
                                        " of size " + std::to_string(dims[k]));
            }
            offset = offset * dims[k] + i;
            ++k;
        }
        return values.at(offset);
    }

    // The value of a scalar (or of any one-element tensor).
    double scalar() const {
        if (values.size() != 1) {
            throw std::out_of_range("GoldenTensor::scalar: tensor has " +
                                    std::to_string(values.size()) + " values");
        }
        return values.front();
    }
};

class GoldenFile {
public:
    explicit GoldenFile(const std::string& path) : path_(path) {
        std::ifstream in(path);
        if (!in) {
            throw std::runtime_error("golden file " + path + ": cannot open");
        }
        parse(in);
    }

    const GoldenTensor& get(const std::string& name) const {
        auto it = tensors_.find(name);
        if (it == tensors_.end()) {
            throw std::out_of_range("golden file " + path_ + ": no tensor named '" + name + "'");
        }
        return it->second;
    }

    bool has(const std::string& name) const { return tensors_.count(name) != 0; }

    // Names in the order they appear in the file.
    std::vector<std::string> names() const { return order_; }

    const std::string& path() const { return path_; }

private:
    std::string path_;
    std::map<std::string, GoldenTensor> tensors_;
    std::vector<std::string> order_;

    [[noreturn]] void fail(std::size_t line, const std::string& what) const {
        throw std::runtime_error("golden file " + path_ + ":" + std::to_string(line) + ": " + what);
    }

    static std::vector<std::string_view> split(std::string_view s) {
        std::vector<std::string_view> out;
        std::size_t i = 0;
        while (i < s.size()) {
            while (i < s.size() && is_space(s[i])) ++i;
            std::size_t j = i;
            while (j < s.size() && !is_space(s[j])) ++j;
            if (j > i) out.push_back(s.substr(i, j - i));
            i = j;
        }
        return out;
    }

    static bool is_space(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
    }

    std::size_t parse_size(std::string_view tok, std::size_t line, const char* what) const {
        std::size_t v = 0;
        auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), v);
        if (ec != std::errc() || p != tok.data() + tok.size()) {
            fail(line, std::string("bad ") + what + " '" + std::string(tok) + "'");
        }
        return v;
    }

    double parse_double(std::string_view tok, std::size_t line) const {
        double v = 0.0;
        auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), v);
        if (ec != std::errc() || p != tok.data() + tok.size()) {
            fail(line, "bad value '" + std::string(tok) + "'");
        }
        return v;
    }

    void parse(std::istream& in) {
        std::string text;
        std::size_t lineno = 0;
        std::string current;          // name of the tensor being filled
        std::size_t header_line = 0;  // where it started
        std::size_t need = 0;         // values still missing
        GoldenTensor tensor;
        bool filling = false;

        auto finish = [&] {
            tensors_.emplace(current, std::move(tensor));
            order_.push_back(current);
            tensor = GoldenTensor{};
            filling = false;
        };

        while (std::getline(in, text)) {
            ++lineno;
            const auto tok = split(text);
            if (tok.empty() || tok.front().front() == '#') continue;
            if (!filling) {
                if (tok[0] != "tensor") {
                    fail(lineno, "expected 'tensor <name> <ndim> <dims...>', got '" +
                                     std::string(tok[0]) + "'");
                }
                if (tok.size() < 3) fail(lineno, "tensor header needs a name and a rank");
                current = std::string(tok[1]);
                if (tensors_.count(current) != 0) {
                    fail(lineno, "duplicate tensor '" + current + "'");
                }
                const std::size_t ndim = parse_size(tok[2], lineno, "rank");
                if (tok.size() != 3 + ndim) {
                    fail(lineno, "tensor '" + current + "' of rank " + std::to_string(ndim) +
                                     " needs " + std::to_string(ndim) + " dimensions, got " +
                                     std::to_string(tok.size() - 3));
                }
                need = 1;
                for (std::size_t k = 0; k < ndim; ++k) {
                    tensor.dims.push_back(parse_size(tok[3 + k], lineno, "dimension"));
                    need *= tensor.dims.back();
                }
                tensor.values.reserve(need);
                header_line = lineno;
                filling = true;
                if (need == 0) finish();
                continue;
            }
            if (tok[0] == "tensor") {
                fail(lineno, "new tensor header while tensor '" + current + "' (header at line " +
                                 std::to_string(header_line) + ") still misses " +
                                 std::to_string(need) + " values");
            }
            if (tok.size() > need) {
                fail(lineno, "too many values for tensor '" + current + "' (" +
                                 std::to_string(tok.size() - need) + " extra)");
            }
            for (auto t : tok) tensor.values.push_back(parse_double(t, lineno));
            need -= tok.size();
            if (need == 0) finish();
        }
        if (filling) {
            fail(lineno, "end of file inside tensor '" + current + "' (header at line " +
                             std::to_string(header_line) + "): " + std::to_string(need) +
                             " values missing");
        }
    }
};

}  // namespace ccrnn::testing
