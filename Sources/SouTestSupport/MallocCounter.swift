#if canImport(Glibc)
import Glibc
#endif

/// The allocation counter of `scripts/malloc-counter/malloc_counter.c`, if it is preloaded
/// (scripts/check-allocations.sh); `AllocationTests` suites are skipped without it.
public enum MallocCounter {
    typealias Count = @convention(c) () -> Int
    static let function: Count? = symbol("sou_malloc_count")
    static let threadFunction: Count? = symbol("sou_malloc_thread_count")

    /// Whether the counting library is preloaded.
    public static var isLoaded: Bool { function != nil && threadFunction != nil }
    /// Heap allocations so far in the process (0 if the library is not preloaded).
    public static var count: Int { function?() ?? 0 }
    /// Heap allocations so far on the calling thread: unlike ``count``, not disturbed by tests
    /// running in parallel (0 if the library is not preloaded).
    public static var threadCount: Int { threadFunction?() ?? 0 }

    private static func symbol(_ name: String) -> Count? {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, name) else { return nil }
        return unsafeBitCast(symbol, to: Count.self)
    }
}
