/* Counts every heap allocation; preloaded by scripts/check-allocations.sh so that
   AllocationTests can check that query hot paths do not allocate per posting. */
#define _GNU_SOURCE
#include <stddef.h>
#include <errno.h>
static volatile long sou_count;
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
void *malloc(size_t n) { __atomic_add_fetch(&sou_count, 1, __ATOMIC_RELAXED); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { __atomic_add_fetch(&sou_count, 1, __ATOMIC_RELAXED); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { __atomic_add_fetch(&sou_count, 1, __ATOMIC_RELAXED); return __libc_realloc(p, n); }
void *aligned_alloc(size_t a, size_t n) { __atomic_add_fetch(&sou_count, 1, __ATOMIC_RELAXED); return __libc_memalign(a, n); }
void *memalign(size_t a, size_t n) { __atomic_add_fetch(&sou_count, 1, __ATOMIC_RELAXED); return __libc_memalign(a, n); }
int posix_memalign(void **out, size_t a, size_t n) { __atomic_add_fetch(&sou_count, 1, __ATOMIC_RELAXED); void *p = __libc_memalign(a, n); if (!p) return ENOMEM; *out = p; return 0; }
long sou_malloc_count(void) { return __atomic_load_n(&sou_count, __ATOMIC_RELAXED); }
