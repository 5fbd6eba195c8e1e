import SouDocument
import SouFormat

/// The single writer of one index: applies writes, refreshes, commits and merges.
///
/// Write path: validate → append one WAL record (`write(2)`) → apply to the in-memory
/// state (buffer documents; mark older versions deleted in their segments' working
/// bitmaps) → wait until the record is durable (group commit) → acknowledge.
///
/// Refresh = commit (`commitLocked()`): the buffered documents become a new segment,
/// changed deletion bitmaps new deletion files, finished merges replace their inputs; a
/// new WAL file is started, and the new manifest (checkpoint = last applied sequence)
/// is written atomically. Only then is a new `Snapshot` published and are superseded
/// files unlinked. Writes wait while a commit runs (the "commit gate"), so a commit sees
/// exactly the state up to its checkpoint; queries never wait for anything.
///
/// Superseded files: old logs and deletion files (read into memory at open) are unlinked
/// right after the commit that drops them. A merged-away segment is only *retired* then:
/// its files are unlinked when the last `SegmentReader` reference goes away, i.e. when no
/// published snapshot or running query uses it any more (`SegmentReader.retire()`).
actor IndexWriter {
    enum State: Equatable {
        case running
        case closing
        case closed
        /// A write could not be applied after it reached the log (a corrupt segment); the
        /// index stays readable, writes fail until it is reopened.
        case failed(IndexError)
    }

    struct LiveSegment {
        /// As the last commit recorded it (its deletion file may be stale; see `dirty`).
        var entry: Manifest.Segment
        let reader: SegmentReader
        /// Working deletions: every applied write, committed or not.
        var deletions: DeletionBitmap
        /// Deletions changed since the last commit.
        var dirty: Bool
        /// The view the current snapshot uses; nil when it must be rebuilt.
        var view: SegmentView?
    }

    let name: String
    let directory: String
    let options: IndexOptions
    let published: PublishedState
    let clock = ContinuousClock()
    let started: ContinuousClock.Instant

    var state: State = .running
    var manifest: Manifest
    var segments: [LiveSegment]
    var buffer = DocumentBuffer()
    var fieldNames: FieldNameLimit
    var lastSequence: UInt64
    var wal: WALWriter?
    var nextSegmentNumber: UInt64
    var scheduler: RefreshScheduler
    /// Segments were added or removed (a merge was installed) since the last commit.
    var structureChanged = false
    /// Files to unlink after the next successful commit.
    var obsoleteFiles: [String] = []
    /// Obsolete logs with bytes replay could not read: renamed to `<name>.damaged`, not removed.
    var damagedLogs: Set<String> = []
    /// Segments merged away in the working state; retired after the next successful commit.
    var retiringSegments: [SegmentReader] = []
    var committing = false
    var gateWaiters: [CheckedContinuation<Void, Never>] = []
    var refreshTask: Task<Void, Never>?
    var runningMerges: [Int: RunningMerge] = [:]
    var mergeTasks: [Int: Task<Void, Never>] = [:]
    var finishedMerges: [FinishedMerge] = []
    var nextMergeID = 0
    /// After a merge failed (disk full, I/O error), no merge starts before this time.
    var mergeRetryAt: Duration?
    var counters = IndexStats()
    /// Tests: the next commit fails after writing its segment (as a full disk would).
    var injectedCommitError: IndexError?
    /// Tests: the next commit renames its manifest into place, then its directory fsync
    /// fails with this errno (as `DurableFile.writeAtomically` reports it).
    var injectedManifestSyncError: Int32?

    init(
        name: String,
        directory: String,
        options: IndexOptions,
        recovery: IndexRecovery,
        started: ContinuousClock.Instant
    ) {
        self.name = name
        self.directory = directory
        self.options = options
        self.started = started
        manifest = recovery.manifest
        published = PublishedState(settings: recovery.manifest.settings)
        segments = recovery.segments.map {
            LiveSegment(
                entry: $0.entry,
                reader: $0.reader,
                deletions: $0.deletions,
                dirty: $0.upgradeDeletions,
                view: nil
            )
        }
        fieldNames = FieldNameLimit(segments: recovery.segments.map { $0.reader.meta.fieldNames })
        lastSequence = recovery.manifest.checkpointSequence
        nextSegmentNumber = recovery.manifest.nextSegmentNumber
        scheduler = RefreshScheduler(
            interval: options.refreshInterval,
            maxDocuments: options.maxBufferedDocuments,
            maxBytes: options.maxBufferedBytes,
            now: .zero
        )
        obsoleteFiles = recovery.logFiles
        damagedLogs = Set(recovery.damagedLogs)
        counters.ignoredWALBytes = recovery.ignoredBytes
        counters.walProblems = recovery.problems.count
    }

    /// Opens the index in `directory`: reads it (segment structure only), replays the WAL, commits the
    /// replayed writes (starting a fresh log), and starts the refresh timer.
    static func open(name: String, directory: String, options: IndexOptions) async throws -> IndexWriter {
        let started = ContinuousClock.now
        let recovery: IndexRecovery
        do {
            recovery = try await BlockingIO.run { try IndexRecovery.read(directory: directory, name: name) }
        } catch {
            throw IndexError.wrap(error)
        }
        for problem in recovery.problems {
            options.warningHandler("index '\(name)': write-ahead log: \(problem)")
        }
        let writer = IndexWriter(
            name: name,
            directory: directory,
            options: options,
            recovery: recovery,
            started: started
        )
        try await writer.finishOpening(replaying: recovery.log)
        return writer
    }

    private func finishOpening(replaying log: [IndexRecovery.LogEntry]) async throws {
        var replayed = 0
        for item in log where item.entry.sequence > manifest.checkpointSequence {
            let record: WALRecord
            do {
                record = try WALRecord.decode(type: item.entry.type, payload: item.entry.payload, file: item.file)
            } catch {
                options.warningHandler("index '\(name)': write-ahead log: \(error); the rest of the log is ignored")
                break
            }
            _ = try apply(record)
            lastSequence = item.entry.sequence
            replayed += 1
        }
        counters.replayedRecords = replayed
        await acquireGate()
        defer { releaseGate() }
        do {
            try await commitLocked(force: true)
        } catch {
            // Disk full or an I/O error: serve what is committed; the replayed writes stay
            // in memory and in the old logs, and the first write retries the commit.
            publishSnapshot()
            _ = scheduler.recordWrite(
                now: elapsed(),
                bufferedDocuments: buffer.count,
                bufferedBytes: buffer.estimatedBytes
            )
            scheduler.refreshFailed(now: elapsed())
            options.warningHandler(
                "index '\(name)': commit at open failed: \(error); readable, writes wait for a commit to succeed"
            )
        }
        counters.openTime = clock.now - started
        publishStats()
        startRefreshTimer()
    }

    // MARK: Writes

    func add(_ documents: [Document]) async throws {
        for document in documents {
            if let violation = DocumentRules.violation(in: document) {
                throw IndexError.invalidDocument("\(document.id): \(violation)")
            }
        }
        guard !documents.isEmpty else { return }
        let (log, sequence, _) = try await write(.add(documents))
        try await log.waitUntilDurable(sequence)
    }

    func delete(ids: [String]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        let (log, sequence, existed) = try await write(.delete(ids))
        try await log.waitUntilDurable(sequence)
        return existed
    }

    /// Makes everything written so far searchable and durable.
    func commit() async throws {
        try checkWritable()
        await acquireGate()
        defer { releaseGate() }
        try await commitLocked(force: false)
        startMerges()  // also retries a merge that failed, once its back-off has passed
    }

    /// Logs and applies one record; refreshes first if the buffer is full.
    /// - Returns: the log it went to, its sequence number, and how many ids existed (DELETE).
    private func write(_ record: WALRecord) async throws -> (WALWriter, UInt64, Int) {
        try checkWritable()
        while true {
            while committing { await waitForGate() }
            try checkWritable()
            guard needsNewLog else { break }
            try await replaceFailedLog()
        }
        guard let log = wal else { throw IndexError.closed(name) }
        // After the last suspension point: nothing can add fields between check and log.
        if case .add(let documents) = record, let violation = fieldNames.violation(adding: documents) {
            throw IndexError.invalidDocument(violation)
        }
        let sequence = lastSequence + 1
        try log.append(type: record.type, sequence: sequence, payload: record.encodePayload())
        lastSequence = sequence
        let existed: Int
        do {
            existed = try apply(record)
        } catch {
            let failure = IndexError.wrap(error)
            state = .failed(failure)
            options.warningHandler(
                "index '\(name)': write \(sequence) could not be applied: \(failure); writes are disabled"
            )
            throw failure
        }
        let action = scheduler.recordWrite(
            now: clock.now - started,
            bufferedDocuments: buffer.count,
            bufferedBytes: buffer.estimatedBytes
        )
        if action == .refreshNow {
            await refresh()
        } else {
            publishStats()
        }
        return (log, sequence, existed)
    }

    /// There is no log to append to: an fsync of it failed, or the commit at open failed.
    private var needsNewLog: Bool { wal?.hasFailed ?? true }

    /// After an fsync of the log failed, nothing more can be appended to it (its state on
    /// disk is unknown). A commit puts every applied write into fsynced segment files and a
    /// new manifest and starts a fresh log; writes go on once it succeeds. The writes whose
    /// fsync failed got an error but were applied: they may be visible after this commit
    /// (an error means "not known to be durable", as in any database). The same commit
    /// starts the first log when the commit at open failed.
    private func replaceFailedLog() async throws {
        await acquireGate()
        defer { releaseGate() }
        guard needsNewLog else { return }
        if wal != nil {
            options.warningHandler("index '\(name)': write-ahead log fsync failed; committing to start a new log")
        }
        try await commitLocked(force: true)
    }

    /// Applies one record to the in-memory state (live writes and replay alike).
    /// - Returns: for a DELETE, how many of its ids named a live document.
    private func apply(_ record: WALRecord) throws -> Int {
        switch record {
        case .add(let documents):
            fieldNames.insert(documents)
            for document in documents {
                if !buffer.contains(document.id) { _ = try deleteFromSegments(document.id) }
                buffer.upsert(document)
            }
            return 0
        case .delete(let ids):
            var existed = 0
            for id in ids {
                if buffer.remove(id) {
                    existed += 1
                } else if try deleteFromSegments(id) {
                    existed += 1
                }
            }
            return existed
        }
    }

    /// Marks the live version of `id` deleted (at most one segment holds one).
    private func deleteFromSegments(_ id: String) throws -> Bool {
        for index in segments.indices.reversed() {
            guard let docID = try segments[index].reader.docID(forExternalID: id),
                !segments[index].deletions.isDeleted(docID)
            else { continue }
            // Carries the deleted document's field lengths along (O(fields)), so snapshots
            // know the live statistics without a pass over the norms.
            segments[index].deletions.delete(docID, norms: segments[index].reader.norms)
            segments[index].dirty = true
            return true
        }
        return false
    }

    func checkWritable() throws {
        switch state {
        case .running: return
        case .closing, .closed: throw IndexError.closed(name)
        case .failed(let error): throw error
        }
    }

    // MARK: The commit gate

    func acquireGate() async {
        while committing { await waitForGate() }
        committing = true
    }

    func releaseGate() {
        committing = false
        let waiters = gateWaiters
        gateWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    private func waitForGate() async {
        await withCheckedContinuation { gateWaiters.append($0) }
    }

    // MARK: Refresh

    /// Commits if anything is pending; errors go to the warning handler (the writes stay
    /// in the log and are retried by the next refresh).
    func refresh() async {
        guard state == .running else { return }
        await acquireGate()
        defer { releaseGate() }
        do {
            try await commitLocked(force: false)
        } catch {
            scheduler.refreshFailed(now: elapsed())
            options.warningHandler(
                "index '\(name)': refresh failed: \(error); will retry in \(scheduler.retryDelay)"
            )
        }
    }

    private func startRefreshTimer() {
        let interval = options.refreshInterval
        refreshTask = Task { [weak self] in
            while !Task.isCancelled {
                guard let self else { return }
                let action = await self.timerAction()
                switch action {
                case .refreshNow:
                    await self.refresh()
                case .waitUntil(let deadline):
                    let now = await self.elapsed()
                    let wait = deadline.map { min(max($0 - now, .milliseconds(1)), interval) } ?? interval
                    try? await Task.sleep(for: wait)
                }
            }
        }
    }

    private func timerAction() -> RefreshScheduler.Action {
        // Writes failed for good (or closing): nothing to refresh, never spin.
        guard state == .running else { return .waitUntil(nil) }
        if !finishedMerges.isEmpty { return .refreshNow }
        if let retry = mergeRetryAt, elapsed() >= retry { startMerges() }
        let action = scheduler.tick(now: elapsed())
        if case .waitUntil(let deadline) = action, let retry = mergeRetryAt {
            return .waitUntil(min(deadline ?? retry, retry))
        }
        return action
    }

    func elapsed() -> Duration { clock.now - started }

    // MARK: Close

    /// Stops the timer, cancels running merges and waits for them to stop (their output
    /// would be discarded: a long merge never holds up shutdown), commits what
    /// is buffered and closes the log. Idempotent.
    func close() async throws {
        guard state != .closed, state != .closing else { return }
        let wasFailed = state != .running
        state = .closing
        refreshTask?.cancel()
        for merge in runningMerges.values { merge.cancellation.cancel() }
        for task in mergeTasks.values { await task.value }
        await acquireGate()
        defer { releaseGate() }
        var failure: (any Error)?
        if !wasFailed {
            do { try await commitLocked(force: false) } catch { failure = error }
        }
        if let log = wal {
            do { try await log.close() } catch { failure = failure ?? error }
        }
        wal = nil
        state = .closed
        publishStats()
        if let failure { throw IndexError.wrap(failure) }
    }

    /// A segment failed verification: serve nothing more from this index (every request to
    /// it fails with `error`, `Index.outOfService`) and accept no more writes. Nothing
    /// acknowledged is lost: buffered writes stay in the log (close does not commit a failed
    /// writer) and the next open replays them. Idempotent; the first error is kept.
    func takeOutOfService(segment: String, _ error: IndexError) {
        let first = published.outOfService.withLock { current in
            defer { if current == nil { current = error } }
            return current == nil
        }
        guard first else { return }
        if state == .running { state = .failed(error) }
        options.warningHandler(
            "index '\(name)': segment \(segment) failed verification: \(error); the index is out of service "
                + "until it is restored (and soud restarted) or dropped"
        )
        publishStats()
    }

    /// Tests: make the next WAL append fail with `code`.
    func injectWALWriteError(_ code: Int32) { wal?.injectWriteError(code) }

    /// Tests: make the next WAL fsync fail with `code`.
    func injectWALSyncError(_ code: Int32) { wal?.injectSyncError(code) }

    /// Tests: make the next commit fail after writing its files.
    func injectCommitError(_ error: IndexError) { injectedCommitError = error }

    /// Tests: make the next commit's manifest replace succeed but its directory fsync fail.
    func injectManifestSyncError(_ code: Int32) { injectedManifestSyncError = code }
}
