import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed set of threads of their own that run blocking or CPU-heavy jobs in arrival order.
///
/// Swift's cooperative pool has one thread per core and Dispatch's global pool limits
/// CPU-bound work to about as many, so work put there waits behind whatever else is there.
/// Threads made here belong to one kind of work only: a refresh's segment build never waits
/// behind a merge (merges get a thread each, `runOnOwnThread`), and neither ever runs on the
/// cooperative pool, where index writers, the refresh timer and write acknowledgements run.
final class DedicatedThreads: Sendable {
    /// What the threads are for (in messages; Glibc's pthread_setname_np is not visible to Swift).
    let name: String
    /// How many threads run jobs.
    let threadCount: Int
    /// The nice value every thread sets for itself (Linux: per thread), 0 for normal priority.
    let niceness: Int32

    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let available = DispatchSemaphore(value: 0)

    /// Starts `threadCount` threads for `name`.
    init(name: String, threadCount: Int, niceness: Int32 = 0) {
        self.name = name
        self.threadCount = max(1, threadCount)
        self.niceness = niceness
        for _ in 0..<self.threadCount {
            Self.spawn { [self] in self.work() }
        }
    }

    /// Runs `body` on one of the threads and returns its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            enqueue { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Queues `job` for the next free thread.
    func enqueue(_ job: @escaping @Sendable () -> Void) {
        jobs.withLock { $0.append(job) }
        available.signal()
    }

    private func work() {
        Self.setNiceness(niceness)
        while true {
            available.wait()
            let job = jobs.withLock { $0.removeFirst() }
            job()
        }
    }

    /// Runs `body` on a new thread of its own at nice value `niceness`, and resumes the caller
    /// from `resumeOn`'s threads, never from the niced one: a thread Dispatch or the Swift
    /// runtime creates while a resumption is enqueued inherits the nice value of the thread
    /// that enqueues it, and a cooperative thread at nice 10 would slow every writer after it.
    /// For long jobs that must not wait in a queue (a merge queued behind another index's
    /// merge would hold up that index's close or DROP until the other finished).
    static func runOnOwnThread<T: Sendable>(
        niceness: Int32,
        resumeOn: DedicatedThreads,
        _ body: @escaping @Sendable () throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            spawn {
                setNiceness(niceness)
                let result = Result { try body() }
                resumeOn.enqueue { continuation.resume(with: result) }
            }
        }
    }

    /// Sets the calling thread's nice value (Linux applies it to the calling thread alone:
    /// who = 0 is this thread). Best effort: without the privilege to lower a value it stays.
    private static func setNiceness(_ niceness: Int32) {
        #if canImport(Glibc)
        if niceness != 0 { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness) }
        #endif
    }

    /// Starts a detached thread running `body` (to its end).
    private static func spawn(_ body: @escaping @Sendable () -> Void) {
        final class Box {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let status = pthread_create(
            &thread,
            nil,
            { raw in
                Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
                return nil
            },
            context
        )
        precondition(status == 0, "pthread_create failed: \(status)")
        #if canImport(Glibc)
        pthread_detach(thread)
        #else
        if let thread { pthread_detach(thread) }
        #endif
    }
}
