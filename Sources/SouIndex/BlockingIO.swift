import Dispatch

/// Runs blocking file work (segment writes, fsync, rename, merges) on Dispatch's threads,
/// never on Swift's cooperative pool or an event loop.
enum BlockingIO {
    private static let queue = DispatchQueue(label: "sou.index.io", attributes: .concurrent)

    /// Runs `body` on a blocking-I/O thread and returns its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}
