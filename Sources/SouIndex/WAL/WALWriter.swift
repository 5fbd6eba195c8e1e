import Dispatch
import SouFormat
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends records to one write-ahead log file and makes them durable with group commit.
///
/// Call order: `create`/`openForAppend`, then any number of `append(type:sequence:payload:)`
/// (from one writer at a time, with increasing sequence numbers), each followed by
/// `waitUntilDurable(_:)` before the write is acknowledged; finally `close()`.
/// Layout: docs/FORMAT.md §10 (`WALFormat`).
///
/// Group commit: `append` only `write(2)`s the record (into the page cache). Under
/// `.always`, `waitUntilDurable` parks the caller; one fsync at a time runs on a private
/// serial queue, and each fsync covers every record written before it started, waking
/// all callers whose records it covers. Writers that arrive while an fsync runs are all
/// covered by the next one, so N concurrent writers cost about two fsyncs, not N.
/// Under `.batch(interval)` a timer fsyncs every interval and callers do not wait; under
/// `.none` nothing is fsynced until `close()`.
///
/// Errors: a failed `write` is cut back off the file (`ftruncate` to the previous length)
/// and thrown, so the log never holds a half record followed by good ones. A failed fsync
/// leaves the page-cache state unknowable (Linux may drop the dirty pages), so it fails
/// every waiting caller and every later append (`hasFailed`): the log must be replaced
/// (`IndexWriter` commits everything applied so far and starts a fresh log).
public final class WALWriter: Sendable {
    /// The log file.
    public let path: String
    public let policy: DurabilityPolicy
    private let state: Mutex<State>
    /// Runs every fsync and the final close, one at a time, off the cooperative pool.
    private let queue: DispatchQueue
    private let timer: Mutex<Task<Void, Never>?>

    private struct State {
        var fd: Int32
        var size: Int
        var written: UInt64
        var synced: UInt64
        var syncRunning = false
        var waiters: [(sequence: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
        var failure: IndexError?
        var closed = false
        /// Tests set this to make the next append fail with this errno (as a full disk would).
        var injectedWriteError: Int32?
        /// Tests set this to make the next fsync fail with this errno.
        var injectedSyncError: Int32?
        /// fsyncs done (tests check that concurrent writers share them).
        var syncCount = 0
    }

    private init(path: String, fd: Int32, size: Int, lastSequence: UInt64, policy: DurabilityPolicy) {
        self.path = path
        self.policy = policy
        state = Mutex(State(fd: fd, size: size, written: lastSequence, synced: lastSequence))
        queue = DispatchQueue(label: "sou.wal.sync")
        timer = Mutex(nil)
        if case .batch(let interval) = policy {
            let task = Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    guard let self else { return }
                    try? await self.sync()
                }
            }
            timer.withLock { $0 = task }
        }
    }

    deinit {
        timer.withLock { $0?.cancel() }
        let fd = state.withLock { $0.closed ? -1 : $0.fd }
        if fd >= 0 { SystemCalls.closeFile(fd) }
    }

    /// Creates a new, empty log at `path`: writes the header, fsyncs the file and its directory.
    ///
    /// - Parameters:
    ///   - lastSequence: the sequence number of the last record before this log; every
    ///     appended record must have a larger one.
    /// - Throws: `IndexError.io`.
    public static func create(path: String, policy: DurabilityPolicy, lastSequence: UInt64) throws -> WALWriter {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw IndexError.io("\(path): open failed: \(SystemCalls.errorMessage(errno))") }
        do {
            try DurableFile.writeAll(fd: fd, bytes: WALFormat.fileHeader(), path: path)
            guard fsync(fd) == 0 else { throw FormatError.io(file: path, operation: "fsync", errno: errno) }
            try DurableFile.syncDirectory(containing: path)
        } catch {
            SystemCalls.closeFile(fd)
            throw IndexError.wrap(error)
        }
        return WALWriter(path: path, fd: fd, size: WALFormat.headerSize, lastSequence: lastSequence, policy: policy)
    }

    /// Opens an existing log to append after its first `validLength` bytes, cutting off
    /// (and fsyncing away) a torn or corrupt tail that `WALReader` reported.
    ///
    /// - Throws: `IndexError.io`.
    public static func openForAppend(
        path: String,
        validLength: Int,
        policy: DurabilityPolicy,
        lastSequence: UInt64
    ) throws -> WALWriter {
        if validLength < WALFormat.headerSize {
            return try create(path: path, policy: policy, lastSequence: lastSequence)
        }
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw IndexError.io("\(path): open failed: \(SystemCalls.errorMessage(errno))") }
        var info = stat()
        if fstat(fd, &info) == 0, Int(info.st_size) != validLength {
            guard ftruncate(fd, off_t(validLength)) == 0, fsync(fd) == 0 else {
                let message = SystemCalls.errorMessage(errno)
                SystemCalls.closeFile(fd)
                throw IndexError.io("\(path): cutting the torn tail failed: \(message)")
            }
        }
        return WALWriter(path: path, fd: fd, size: validLength, lastSequence: lastSequence, policy: policy)
    }

    /// Bytes in the log file, header included.
    public var size: Int { state.withLock { $0.size } }

    /// Sequence number of the last appended record.
    public var lastSequence: UInt64 { state.withLock { $0.written } }

    /// Writes one record (not yet durable; see `waitUntilDurable(_:)`).
    ///
    /// - Throws: `IndexError.io` if the write fails (the partial record is cut off again),
    ///   or if an earlier fsync failed; `IndexError.closed` after `close()`;
    ///   `IndexError.invalidDocument` if the payload exceeds 1 GiB.
    public func append(type: UInt8, sequence: UInt64, payload: [UInt8]) throws {
        guard payload.count <= WALFormat.maxPayload else {
            throw IndexError.invalidDocument(
                "a batch of \(payload.count) bytes exceeds the \(WALFormat.maxPayload)-byte limit"
            )
        }
        let record = WALFormat.encodeRecord(type: type, sequence: sequence, payload: payload)
        try state.withLock { (s: inout State) throws(IndexError) in
            if let failure = s.failure { throw failure }
            if s.closed { throw IndexError.closed(path) }
            do {
                if let code = s.injectedWriteError {
                    s.injectedWriteError = nil
                    throw FormatError.io(file: path, operation: "write", errno: code)
                }
                try DurableFile.writeAll(fd: s.fd, bytes: record, path: path)
            } catch {
                if ftruncate(s.fd, off_t(s.size)) != 0 {
                    s.failure = .io("\(path): cannot cut off a failed write: \(SystemCalls.errorMessage(errno))")
                }
                throw IndexError.wrap(error)
            }
            s.size += record.count
            s.written = sequence
        }
    }

    /// Returns when the record with `sequence` is durable under the policy: at once for
    /// `.batch` and `.none`, after an fsync that covers it for `.always`.
    ///
    /// - Throws: `IndexError.io` if the fsync failed.
    public func waitUntilDurable(_ sequence: UInt64) async throws {
        switch policy {
        case .always:
            try await waitForSync(through: sequence)
        case .batch, .none:
            if let failure = state.withLock({ $0.failure }) { throw failure }
        }
    }

    /// fsyncs everything appended so far, whatever the policy (COMMIT, shutdown, rotation).
    public func sync() async throws {
        try await waitForSync(through: state.withLock { $0.written })
    }

    /// fsyncs and closes the file. Later appends throw `IndexError.closed`.
    public func close() async throws {
        timer.withLock { $0?.cancel() }
        let result: Result<Void, any Error>
        do {
            try await sync()
            result = .success(())
        } catch {
            result = .failure(error)
        }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            queue.async {
                let fd = self.state.withLock { s -> Int32 in
                    if s.closed { return -1 }
                    s.closed = true
                    return s.fd
                }
                if fd >= 0 { SystemCalls.closeFile(fd) }
                done.resume()
            }
        }
        try result.get()
    }

    /// fsyncs done so far.
    var syncCount: Int { state.withLock { $0.syncCount } }

    /// Whether an fsync failed: every later append and wait fails; the log must be replaced.
    public var hasFailed: Bool { state.withLock { $0.failure != nil } }

    /// Makes the next fsync fail with `code` (tests: EIO, or ENOSPC as some file systems report).
    func injectSyncError(_ code: Int32) {
        state.withLock { $0.injectedSyncError = code }
    }

    /// Makes the next append fail with `code` (tests: a full disk is ENOSPC).
    func injectWriteError(_ code: Int32) {
        state.withLock { $0.injectedWriteError = code }
    }

    private enum WaitAction {
        case resume
        case fail(IndexError)
        case startSync, wait
    }

    private func waitForSync(through sequence: UInt64) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let action = state.withLock { s -> WaitAction in
                if let failure = s.failure { return .fail(failure) }
                if s.synced >= sequence { return .resume }
                if s.closed { return .fail(.closed(path)) }
                s.waiters.append((sequence, continuation))
                if s.syncRunning { return .wait }
                s.syncRunning = true
                return .startSync
            }
            switch action {
            case .resume: continuation.resume()
            case .fail(let error): continuation.resume(throwing: error)
            case .wait: break
            case .startSync: queue.async { self.syncLoop() }
            }
        }
    }

    /// One fsync per round; each round covers everything written before it began.
    private func syncLoop() {
        while true {
            let (fd, target, injected) = state.withLock { s -> (Int32, UInt64, Int32?) in
                defer { s.injectedSyncError = nil }
                return (s.fd, s.written, s.injectedSyncError)
            }
            let rc = injected == nil ? fsync(fd) : -1
            let code = injected ?? errno
            let (ready, failure, again) = state.withLock {
                s -> ([CheckedContinuation<Void, any Error>], IndexError?, Bool) in
                if rc != 0 {
                    let error = IndexError.io("\(path): fsync failed: \(SystemCalls.errorMessage(code))")
                    s.failure = error
                    let all = s.waiters.map(\.continuation)
                    s.waiters = []
                    s.syncRunning = false
                    return (all, error, false)
                }
                s.synced = max(s.synced, target)
                s.syncCount += 1
                var ready: [CheckedContinuation<Void, any Error>] = []
                var rest: [(sequence: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
                for waiter in s.waiters {
                    if waiter.sequence <= target { ready.append(waiter.continuation) } else { rest.append(waiter) }
                }
                s.waiters = rest
                if rest.isEmpty { s.syncRunning = false }
                return (ready, nil, !rest.isEmpty)
            }
            for continuation in ready {
                if let failure { continuation.resume(throwing: failure) } else { continuation.resume() }
            }
            if !again { return }
        }
    }
}
