import CMalloc

/// glibc's allocator gives each thread that allocates concurrently an arena of its own (up to
/// 8 per core) and keeps what is freed there for reuse: after a segment build on one thread,
/// a merge on another and queries on the rest, the daemon held ~190 MB it no longer used
/// after a 100 MB load (~100 MB with two arenas; docs/BENCHMARKS.md).
public enum MallocTuning {
    /// Caps the allocator's arenas (call once, at start, before threads allocate).
    public static func limitArenas(to count: Int) {
        _ = mallopt(M_ARENA_MAX, Int32(clamping: max(1, count)))
    }

    /// Returns freed memory of every arena to the kernel; after a segment build or a merge,
    /// whose buffers are gone once the files are written.
    public static func returnFreeMemory() {
        _ = malloc_trim(0)
    }
}
