import SouDocument
import SouFormat

extension IndexWriter {
    /// What a commit writes, captured on the actor and handed to a blocking-I/O thread.
    private struct CommitPlan: Sendable {
        var directory: String
        /// The buffered documents, one part per new segment (parts are in arrival order).
        var parts: [ArraySlice<Document>]
        var segmentNames: [String]
        var deletionFiles: [(index: Int, file: String, bytes: [UInt8])]
        var manifest: Manifest
        var walPath: String
        var policy: DurabilityPolicy
        var injectedError: IndexError?
        var injectedManifestSyncError: Int32?
    }

    private struct CommitResult: Sendable {
        var segments: [(SegmentInfo, SegmentReader)]
        var manifest: Manifest
        var wal: WALWriter
        /// The manifest was renamed into place but the directory fsync failed.
        var unsynced: IndexError?
    }

    /// Commits the current state: see the type's documentation. Call with the gate held.
    ///
    /// On failure nothing changes: partial files are removed, the previous manifest stays,
    /// the buffer and dirty bitmaps stay for the next attempt, and every write is still
    /// in the log.
    ///
    /// Once the new manifest is renamed into place the commit is done, even if the
    /// directory fsync after the rename fails (`DurableFile.ReplacedButNotSynced`): the
    /// manifest on disk names the new files, so they stay and the new state is adopted.
    /// A power loss could still bring the old manifest back, so nothing it needs is
    /// unlinked (the old log, superseded deletion files and merged-away segments stay
    /// until the next open removes them), the old log is closed (fsynced), the failure
    /// goes to the warning handler, and the writer refuses writes (`State.failed`) until
    /// the index is reopened: a new log appended to now could be cut (O_TRUNC) by the
    /// commit at open after such a power loss, which reuses its number. Reads go on;
    /// this call returns normally (every write so far is durable under either manifest).
    /// - Parameter force: commit even if nothing is pending (open: start a fresh log).
    func commitLocked(force: Bool) async throws {
        installFinishedMerges()
        // A merged segment's deletions (documents deleted while it was merged) were set
        // without their field lengths: count them (a pass over those documents' norms only).
        for index in segments.indices where segments[index].deletions.deletedStatistics == nil {
            segments[index].deletions.countDeletedStatistics(norms: segments[index].reader.norms)
        }
        let pending = !buffer.isEmpty || structureChanged || segments.contains(where: \.dirty)
        guard pending || force else { return }

        var next = manifest
        next.generation += 1
        next.checkpointSequence = lastSequence
        let walNumber = next.nextWALNumber
        next.nextWALNumber += 1
        let parts = SegmentPartition.parts(
            of: buffer.documents,
            bytes: buffer.estimatedBytes,
            threads: options.indexingThreads,
            minimumBytes: options.minimumPartBytes
        )
        let segmentNames = parts.map { _ in
            defer { nextSegmentNumber += 1 }
            return "seg-\(nextSegmentNumber)"
        }
        next.nextSegmentNumber = nextSegmentNumber
        var deletionFiles: [(index: Int, file: String, bytes: [UInt8])] = []
        next.segments = []
        for (index, segment) in segments.enumerated() {
            var entry = segment.entry
            if segment.dirty {
                entry.deletedCount = segment.deletions.deletedCount
                entry.deletionFile = nil
                if entry.deletedCount > 0 {
                    let file = "\(segment.entry.name).\(next.generation).del"
                    entry.deletionFile = file
                    deletionFiles.append((index, file, segment.deletions.encode()))
                }
            }
            next.segments.append(entry)
        }
        let plan = CommitPlan(
            directory: directory,
            parts: parts,
            segmentNames: segmentNames,
            deletionFiles: deletionFiles,
            manifest: next,
            walPath: directory + "/" + WALFormat.fileName(walNumber),
            policy: options.durability,
            injectedError: injectedCommitError,
            injectedManifestSyncError: injectedManifestSyncError
        )
        injectedCommitError = nil
        injectedManifestSyncError = nil
        let lastSequence = self.lastSequence

        let result = try await BlockingIO.run {
            defer { MallocTuning.returnFreeMemory() }  // the segment builders' buffers
            return try Self.write(plan, lastSequence: lastSequence)
        }

        // Committed: adopt the new state.
        let oldWAL = wal
        wal = result.wal
        manifest = result.manifest
        for (index, file, _) in deletionFiles {
            if let old = segments[index].entry.deletionFile { obsoleteFiles.append(old) }
            segments[index].entry.deletionFile = file
        }
        for index in segments.indices where segments[index].dirty {
            if segments[index].deletions.deletedCount == 0, let old = segments[index].entry.deletionFile {
                obsoleteFiles.append(old)
                segments[index].entry.deletionFile = nil
            }
            segments[index].entry.deletedCount = segments[index].deletions.deletedCount
            segments[index].dirty = false
            segments[index].view = nil
        }
        let newEntries = result.manifest.segments.suffix(result.segments.count)
        for ((info, reader), entry) in zip(result.segments, newEntries) {
            segments.append(
                LiveSegment(
                    entry: entry,
                    reader: reader,
                    deletions: DeletionBitmap(documentCount: info.documentCount),
                    dirty: false,
                    view: nil
                )
            )
        }
        buffer = DocumentBuffer()
        structureChanged = false
        let now = clock.now
        scheduler.refreshed(now: now - started)
        counters.lastRefresh = now
        counters.refreshes += 1
        publishSnapshot()
        if let failure = result.unsynced {
            await keepSupersededFiles(after: failure, oldWAL: oldWAL)
            return
        }
        // The manifest no longer names them: their files go when the last snapshot does.
        for reader in retiringSegments { reader.retire() }
        retiringSegments = []
        // The old log's records are all in the committed segments now.
        if let oldWAL {
            obsoleteFiles.append(oldWAL.path.split(separator: "/").last.map(String.init) ?? oldWAL.path)
            try? await oldWAL.close()
        }
        // A crash between creating a log and writing the manifest can leave an empty log
        // with the number just reused; never remove the live one.
        let live = result.wal.path.split(separator: "/").last.map(String.init)
        let obsolete = obsoleteFiles.filter { $0 != live }
        obsoleteFiles = []
        let directory = self.directory
        let damaged = damagedLogs
        damagedLogs = []
        for file in obsolete where damaged.contains(file) {
            options.warningHandler(
                "index '\(name)': write-ahead log \(file) had bytes that could not be replayed; "
                    + "kept as \(file).damaged for inspection"
            )
        }
        if !obsolete.isEmpty {
            try? await BlockingIO.run {
                for file in obsolete {
                    let path = directory + "/" + file
                    if damaged.contains(file) {
                        try? SystemCalls.rename(path, path + ".damaged")
                    } else {
                        try? SystemCalls.removeFile(path)
                    }
                }
                // Best effort: a removal lost to a power loss is redone by the next open.
                try? DurableFile.syncDirectory(directory)
            }
        }
        publishStats()
        startMerges()
    }

    /// The end of a commit whose manifest rename is not known to be durable (see
    /// `commitLocked(force:)`): keeps every file the previous manifest needs, closes the old
    /// log, warns, and refuses writes until the index is reopened.
    private func keepSupersededFiles(after failure: IndexError, oldWAL: WALWriter?) async {
        retiringSegments = []  // dropped, not retired: their files stay
        obsoleteFiles = []  // removed at the next open, whichever manifest survives
        var closeFailure = ""
        if let oldWAL {
            do { try await oldWAL.close() } catch { closeFailure = "; closing the previous log failed: \(error)" }
        }
        let error = IndexError.io(
            "index '\(name)': commit \(manifest.generation) is in place but not known to be durable "
                + "(\(failure)); writes are refused until the index is reopened"
        )
        state = .failed(error)
        options.warningHandler("\(error)\(closeFailure)")
        publishStats()
    }

    /// The blocking part of a commit: segment, deletion files, directory fsync, new log,
    /// manifest. Removes what it wrote if any step up to the manifest rename fails; a
    /// failed directory fsync after the rename removes nothing and is returned in `unsynced`.
    private static func write(_ plan: CommitPlan, lastSequence: UInt64) throws -> CommitResult {
        var written: [String] = []
        var wal: WALWriter?
        do {
            var manifest = plan.manifest
            let built = try SegmentPartition.build(plan.parts, names: plan.segmentNames, directory: plan.directory)
            written += built.flatMap { $0.0.files }
            for (info, _) in built {
                manifest.segments.append(
                    Manifest.Segment(
                        name: info.name,
                        documentCount: info.documentCount,
                        byteSize: info.byteSize,
                        files: info.files
                    )
                )
            }
            for (_, file, bytes) in plan.deletionFiles {
                written.append(file)
                try DurableFile.write(bytes, to: plan.directory + "/" + file, sync: true)
            }
            if let error = plan.injectedError { throw error }
            try DurableFile.syncDirectory(plan.directory)
            let log = try WALWriter.create(path: plan.walPath, policy: plan.policy, lastSequence: lastSequence)
            wal = log
            do {
                try manifest.write(directory: plan.directory)
                if let code = plan.injectedManifestSyncError {
                    throw DurableFile.ReplacedButNotSynced(
                        path: plan.directory + "/" + Manifest.fileName,
                        underlying: .io(file: plan.directory, operation: "fsync", errno: code)
                    )
                }
            } catch let error as DurableFile.ReplacedButNotSynced {
                // The manifest on disk names every file written here: the commit is done.
                return CommitResult(segments: built, manifest: manifest, wal: log, unsynced: IndexError.wrap(error))
            }
            return CommitResult(segments: built, manifest: manifest, wal: log)
        } catch {
            for file in written { try? SystemCalls.removeFile(plan.directory + "/" + file) }
            if wal != nil { try? SystemCalls.removeFile(plan.walPath) }
            throw IndexError.wrap(error)
        }
    }

    /// Publishes a snapshot of the segments as they are now (after a commit).
    func publishSnapshot() {
        for index in segments.indices where segments[index].view == nil {
            let deletions = segments[index].deletions
            segments[index].view = SegmentView(
                reader: segments[index].reader,
                deletions: deletions.deletedCount > 0 ? deletions : nil
            )
        }
        let snapshot = Snapshot(segments: segments.compactMap(\.view))
        // The previous snapshot is released after the lock: if it was the last user of a
        // retired segment, its files are unlinked then, never while readers wait on the lock.
        let previous = published.snapshot.withLock { current in
            defer { current = snapshot }
            return current
        }
        withExtendedLifetime(previous) {}
    }

    /// Recomputes the counters readers see.
    func publishStats() {
        var stats = counters
        let snapshot = published.snapshot.withLock { $0 }
        stats.documents = snapshot.liveDocumentCount
        stats.segments = snapshot.segments.count
        stats.deletedDocuments = snapshot.segments.reduce(0) { $0 + ($1.deletions?.deletedCount ?? 0) }
        stats.bytesOnDisk = segments.reduce(0) { total, segment in
            total + segment.entry.byteSize
                + (segment.entry.deletionFile == nil ? 0 : segment.entry.documentCount / 8 + 16)
        }
        stats.walBytes = wal?.size ?? 0
        stats.bufferedDocuments = buffer.count
        stats.mergesRunning = runningMerges.count
        stats.generation = manifest.generation
        stats.lastSequence = lastSequence
        published.stats.withLock { $0 = stats }
    }
}
