// Umbrella for Debian's OpenBLAS (package libopenblas-dev): CBLAS plus the
// OpenBLAS thread-control entry points.
#include <cblas.h>
