#pragma once
// Builds a valid HDF5 file whose structure and contents the fuzzer chooses, for the harnesses of our HDF5
// readers. Mutating HDF5 bytes directly would mostly test libhdf5's own parser (a system library, not
// ours); what our readers must survive is a well-formed file with hostile contents: unexpected groups,
// datasets and attributes (names drawn from the reader's vocabulary), every stored type, any rank, empty
// and zero-sized shapes, NaN/inf/huge values, and shapes declared far larger than memory (chunked
// datasets that are never written, so the file stays tiny while a reader would allocate terabytes).
//
// The bytes are read as a small program (FuzzedDataProvider): up to 64 operations, each one of
// enter/create group, leave group, dataset, attribute.
#include <fuzzer/FuzzedDataProvider.h>
#include <hdf5.h>

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace ccrnn::fuzz {

namespace detail {

inline hid_t checked(hid_t id) {
  if (id < 0) std::abort();  // the builder itself failed: a harness bug, not a finding
  return id;
}

/// Shapes: mostly tiny (so the values come from the input); sometimes a huge or overflowing dimension.
inline std::vector<hsize_t> pick_dims(FuzzedDataProvider& in) {
  static const hsize_t huge[] = {hsize_t{1} << 31, (hsize_t{1} << 32) + 1, hsize_t{1} << 40,
                                 (hsize_t{1} << 62) + 1, (hsize_t{1} << 63) + 1};
  const int rank = in.ConsumeIntegralInRange(0, 4);
  std::vector<hsize_t> dims;
  for (int i = 0; i < rank; ++i)
    dims.push_back(in.ConsumeIntegralInRange(0, 15) == 0 ? huge[in.ConsumeIntegralInRange(0, 4)]
                                                          : in.ConsumeIntegralInRange<hsize_t>(0, 5));
  return dims;
}

inline hid_t pick_type(FuzzedDataProvider& in, bool& is_string) {
  is_string = false;
  switch (in.ConsumeIntegralInRange(0, 8)) {
    case 0: return H5Tcopy(H5T_IEEE_F32LE);
    case 1: return H5Tcopy(H5T_IEEE_F64LE);
    case 2: return H5Tcopy(H5T_STD_I64LE);
    case 3: return H5Tcopy(H5T_STD_U8LE);
    case 4: return H5Tcopy(H5T_STD_I32BE);
    case 5: return H5Tcopy(H5T_STD_U64LE);
    case 6: {  // h5py's boolean: an enum over int8
      const hid_t t = H5Tenum_create(H5T_NATIVE_INT8);
      signed char v = 0;
      H5Tenum_insert(t, "FALSE", &v);
      v = 1;
      H5Tenum_insert(t, "TRUE", &v);
      return t;
    }
    case 7: {
      is_string = true;
      const hid_t t = H5Tcopy(H5T_C_S1);
      H5Tset_size(t, H5T_VARIABLE);
      H5Tset_cset(t, H5T_CSET_UTF8);
      return t;
    }
    default: {
      is_string = true;
      const hid_t t = H5Tcopy(H5T_C_S1);
      H5Tset_size(t, in.ConsumeIntegralInRange<std::size_t>(1, 8));
      return t;
    }
  }
}

inline hsize_t elements(const std::vector<hsize_t>& dims, bool& overflow) {
  hsize_t n = 1;
  overflow = false;
  for (hsize_t d : dims) {
    if (d != 0 && n > ~hsize_t{0} / d) overflow = true;
    n *= d;
  }
  return n;
}

/// Writes an object's values from the input: strings as text, numbers as raw bytes (any bit pattern).
inline void fill_values(FuzzedDataProvider& in, hid_t type, bool is_string, hsize_t n,
                        const std::function<void(hid_t, const void*)>& write) {
  if (is_string) {
    std::vector<std::string> texts;
    for (hsize_t i = 0; i < n; ++i) texts.push_back(in.ConsumeRandomLengthString(16));
    if (H5Tis_variable_str(type) > 0) {
      std::vector<const char*> ptrs;
      for (const auto& t : texts) ptrs.push_back(t.c_str());
      write(type, ptrs.data());
    } else {
      const std::size_t len = H5Tget_size(type);
      std::vector<char> buf(n * len, '\0');
      for (hsize_t i = 0; i < n; ++i) texts[i].copy(buf.data() + i * len, len);
      write(type, buf.data());
    }
    return;
  }
  std::vector<std::uint8_t> bytes = in.ConsumeBytes<std::uint8_t>(n * H5Tget_size(type));
  bytes.resize(n * H5Tget_size(type), 0);
  if (H5Tget_class(type) == H5T_ENUM)
    for (auto& b : bytes) b &= 1;  // an enum value outside its members is refused by libhdf5 itself
  write(type, bytes.data());
}

}  // namespace detail

/// Writes the file at `path` from `in`, drawing every group, dataset and attribute name from `names`.
inline void build_hdf5(const std::string& path, FuzzedDataProvider& in, const std::vector<std::string>& names) {
  using namespace detail;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const hid_t file = checked(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  std::vector<hid_t> groups{checked(H5Gopen2(file, "/", H5P_DEFAULT))};
  const auto pick_name = [&] { return names[in.ConsumeIntegralInRange<std::size_t>(0, names.size() - 1)]; };
  for (int op = 0; op < 64 && in.remaining_bytes() > 0; ++op) {
    const hid_t here = groups.back();
    const std::string name = pick_name();
    const bool taken = H5Lexists(here, name.c_str(), H5P_DEFAULT) > 0;
    switch (in.ConsumeIntegralInRange(0, 3)) {
      case 0: {  // enter a group, creating it if need be
        if (groups.size() >= 5) break;
        hid_t g = -1;
        if (!taken) g = H5Gcreate2(here, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        else g = H5Gopen2(here, name.c_str(), H5P_DEFAULT);  // fails (< 0) when the name is a dataset
        if (g >= 0) groups.push_back(g);
        break;
      }
      case 1:  // leave the group
        if (groups.size() > 1) {
          H5Gclose(groups.back());
          groups.pop_back();
        }
        break;
      case 2: {  // a dataset
        if (taken) break;
        bool is_string = false, overflow = false;
        const hid_t type = checked(pick_type(in, is_string));
        const std::vector<hsize_t> dims = pick_dims(in);
        const hsize_t n = elements(dims, overflow);
        const hid_t space = dims.empty() ? H5Screate(H5S_SCALAR)
                                         : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
        const hid_t dcpl = checked(H5Pcreate(H5P_DATASET_CREATE));
        const bool small = !overflow && n <= 64;
        if (!small && !dims.empty()) {  // never written: chunked storage is allocated lazily, the file stays tiny
          std::vector<hsize_t> chunk(dims.size(), 1);
          H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data());
        }
        const hid_t ds = space < 0 ? -1 : H5Dcreate2(here, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        if (ds >= 0 && small && n > 0)
          fill_values(in, type, is_string, n,
                      [&](hid_t t, const void* buf) { H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf); });
        if (ds >= 0) H5Dclose(ds);
        H5Pclose(dcpl);
        if (space >= 0) H5Sclose(space);
        H5Tclose(type);
        break;
      }
      default: {  // an attribute of the current group (small shapes only: attributes live in the header)
        if (H5Aexists(here, name.c_str()) > 0) break;
        bool is_string = false, overflow = false;
        const hid_t type = checked(pick_type(in, is_string));
        std::vector<hsize_t> dims = pick_dims(in);
        if (elements(dims, overflow) > 8 || overflow) dims = {};
        const hid_t space = dims.empty() ? H5Screate(H5S_SCALAR)
                                         : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
        const hid_t attr = H5Acreate2(here, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
        if (attr >= 0) {
          fill_values(in, type, is_string, elements(dims, overflow),
                      [&](hid_t t, const void* buf) { H5Awrite(attr, t, buf); });
          H5Aclose(attr);
        }
        H5Sclose(space);
        H5Tclose(type);
      }
    }
  }
  for (auto g = groups.rbegin(); g != groups.rend(); ++g) H5Gclose(*g);
  H5Fclose(file);
}

}  // namespace ccrnn::fuzz
