import Synchronization

/// Whether a segment's checksums are known good, and the lock that lets one verification of
/// it run at a time (the background pass, a merge about to read it and `VERIFY` may ask for
/// the same segment at once; the second waits and takes the first one's answer).
///
/// Verifying reads every byte of the segment (O(size), docs/FORMAT.md §2), so it never runs
/// on the cooperative pool: callers are the verification and merge threads (`BlockingIO`).
final class SegmentVerification: Sendable {
    enum State: Sendable, Equatable {
        /// Opened with `OpenChecks.structure`: every read is bounds-checked, but a damaged
        /// body would not have been noticed yet.
        case unverified
        /// Every checksum and invariant checked (at open with `OpenChecks.full`, or later).
        case verified
        /// Verification failed; the error names the file.
        case failed(IndexError)
    }

    private let state: Mutex<State>
    /// Held while a verification runs.
    private let running = Mutex(())

    init(verified: Bool) {
        state = Mutex(verified ? .verified : .unverified)
    }

    /// The state now; never waits for a running verification.
    var current: State { state.withLock { $0 } }

    /// Runs `check` unless the state is already known (or always, with `force`), and records
    /// what it found.
    /// - Returns: the state after the check.
    func run(force: Bool, _ check: () throws -> Void) -> State {
        running.withLock { _ in
            let known = current
            if !force && known != .unverified { return known }
            let found: State
            do {
                try check()
                found = .verified
            } catch {
                found = .failed(IndexError.wrap(error))
            }
            state.withLock { $0 = found }
            return found
        }
    }
}
