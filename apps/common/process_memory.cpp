#include "process_memory.hpp"

#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

namespace ccrnn::apps {

void keep_freed_memory() {
#if defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)  // glibc
  // Blocks up to 32 MB (glibc's largest threshold) come from the heap rather than their own mapping, and
  // the heap's free top is never trimmed.
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, -1);
#endif
}

}  // namespace ccrnn::apps
