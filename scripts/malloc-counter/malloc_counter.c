/* Counts every heap allocation, in the process and per thread; preloaded by
   scripts/check-allocations.sh so that AllocationTests can check that query hot paths do not
   allocate per posting, and TokenStreamAllocationTests that analysis does not allocate per
   token. The per-thread count is not disturbed by tests running in parallel. */
#define _GNU_SOURCE
#include <stddef.h>
#include <errno.h>
static volatile long sou_count;
/* initial-exec: the library is preloaded, so its TLS is static and reading it never allocates. */
static __thread long sou_thread_count __attribute__((tls_model("initial-exec")));
#define COUNT() (__atomic_add_fetch(&sou_count, 1, __ATOMIC_RELAXED), sou_thread_count++)
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
void *malloc(size_t n) { COUNT(); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { COUNT(); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { COUNT(); return __libc_realloc(p, n); }
void *aligned_alloc(size_t a, size_t n) { COUNT(); return __libc_memalign(a, n); }
void *memalign(size_t a, size_t n) { COUNT(); return __libc_memalign(a, n); }
int posix_memalign(void **out, size_t a, size_t n) { COUNT(); void *p = __libc_memalign(a, n); if (!p) return ENOMEM; *out = p; return 0; }
long sou_malloc_count(void) { return __atomic_load_n(&sou_count, __ATOMIC_RELAXED); }
long sou_malloc_thread_count(void) { return sou_thread_count; }
