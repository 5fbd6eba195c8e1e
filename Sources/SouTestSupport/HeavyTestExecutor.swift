import Foundation
import Testing

/// Threads of their own for CPU-heavy synchronous tests (see `OffPool` for why).
///
/// A `TaskExecutor`: a test body run under `withTaskExecutorPreference(HeavyTestExecutor.shared)`
/// — which `.offCooperativePool` does — runs here, so the cooperative pool stays free for the
/// timers, actors and waits of every other test running beside it.
public final class HeavyTestExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `jobs` is only touched with `condition` locked; the threads never end.

    /// The executor every `.offCooperativePool` test shares.
    public static let shared = HeavyTestExecutor(threadCount: 4)

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    private init(threadCount: Int) {
        for number in 0..<threadCount {
            let thread = Thread { [unowned self] in self.work() }
            thread.name = "heavy-test-\(number)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

/// Runs a test, or every test of a suite, on `HeavyTestExecutor` instead of the cooperative
/// pool. Put it on suites whose synchronous tests compute for seconds.
public struct OffCooperativePool: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        guard testCase != nil else { return try await function() }
        try await withTaskExecutorPreference(HeavyTestExecutor.shared) { try await function() }
    }
}

extension Trait where Self == OffCooperativePool {
    /// See `OffCooperativePool`.
    public static var offCooperativePool: Self { Self() }
}
