// Umbrella for Debian's zlib (package zlib1g-dev). zlib's init functions are
// macros that pass the library version and the stream size; Swift cannot call
// macros, so these inline wrappers do it.
#include <zlib.h>

/// inflateInit2 for gzip members only (windowBits 15 + 16): zlib checks the
/// header, the CRC-32 and the length trailer.
static inline int czlib_inflate_init_gzip(z_streamp stream) {
  return inflateInit2(stream, 15 + 16);
}

/// deflateInit2 writing one gzip member (windowBits 15 + 16) at `level`.
static inline int czlib_deflate_init_gzip(z_streamp stream, int level) {
  return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
