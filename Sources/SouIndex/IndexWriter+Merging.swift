import SouFormat

extension IndexWriter {
    /// A merge in flight: its inputs and their deletions when it started.
    struct RunningMerge: Sendable {
        /// The input segments' names, in the order the merge reads them.
        var inputs: [String]
        var startDeletions: [String: DeletionBitmap]
        var output: String
        /// `close()` cancels it: nothing is installed after close anyway.
        var cancellation = MergeCancellation()
    }

    /// A merge whose segment is written, waiting for the next commit to install it.
    struct FinishedMerge: Sendable {
        var merge: RunningMerge
        /// nil when no input document was live: the inputs simply disappear.
        var result: Merger.Output?
    }

    /// Asks the merge policy for merges and starts them in the background.
    func startMerges() {
        if let retry = mergeRetryAt {
            guard elapsed() >= retry else { return }
            mergeRetryAt = nil
        }
        guard state == .running else { return }
        let policy = TieredMergePolicy(settings: options.mergePolicy)
        let merging = Set(runningMerges.values.flatMap(\.inputs) + finishedMerges.flatMap(\.merge.inputs))
        let candidates = segments.map {
            MergeCandidate(
                name: $0.entry.name,
                byteSize: $0.entry.byteSize,
                documentCount: $0.entry.documentCount,
                deletedCount: $0.deletions.deletedCount
            )
        }
        let groups = policy.findMerges(
            segments: candidates,
            merging: merging,
            runningMerges: runningMerges.count + finishedMerges.count
        )
        for group in groups {
            let inputs = segments.filter { group.contains($0.entry.name) }
            guard inputs.count == group.count else { continue }
            let views = inputs.map {
                SegmentView(reader: $0.reader, deletions: $0.deletions.deletedCount > 0 ? $0.deletions : nil)
            }
            let output = "seg-\(nextSegmentNumber)"
            nextSegmentNumber += 1
            let merge = RunningMerge(
                inputs: inputs.map(\.entry.name),
                startDeletions: Dictionary(uniqueKeysWithValues: inputs.map { ($0.entry.name, $0.deletions) }),
                output: output
            )
            let id = nextMergeID
            nextMergeID += 1
            runningMerges[id] = merge
            let directory = self.directory
            let cancellation = merge.cancellation
            let rate = options.mergePolicy.maxMergeBytesPerSecond
            mergeTasks[id] = Task {
                let result: Result<Merger.Output?, any Error>
                do {
                    // Inputs opened unverified (at open) are verified before the merge reads them.
                    try await BlockingIO.runVerification {
                        for view in views where !cancellation.isCancelled { try view.reader.verify() }
                    }
                    result = .success(
                        try await BlockingIO.runMerge {
                            defer { MallocTuning.returnFreeMemory() }
                            return try Merger.merge(
                                views,
                                directory: directory,
                                name: output,
                                cancellation: cancellation,
                                throttle: rate > 0 ? MergeThrottle(bytesPerSecond: rate) : nil
                            )
                        }
                    )
                } catch {
                    result = .failure(error)
                }
                self.mergeFinished(id: id, result: result)
            }
        }
        publishStats()
    }

    private func mergeFinished(id: Int, result: Result<Merger.Output?, any Error>) {
        mergeTasks[id] = nil
        guard let merge = runningMerges.removeValue(forKey: id) else { return }
        switch result {
        case .failure(let error) where error is CancellationError:
            break
        case .failure(let error):
            // A full disk fails every attempt: wait before the next one.
            mergeRetryAt = elapsed() + Self.mergeRetryDelay
            options.warningHandler("index '\(name)': merge of \(merge.inputs.joined(separator: ", ")) failed: \(error)")
            for segment in segments where merge.inputs.contains(segment.entry.name) {
                if case .failed(let failure) = segment.reader.verificationState {
                    takeOutOfService(segment: segment.entry.name, failure)
                }
            }
        case .success(let output):
            if state == .running {
                finishedMerges.append(FinishedMerge(merge: merge, result: output))
            } else if let output {
                for file in output.info.files { try? SystemCalls.removeFile(directory + "/" + file) }
            }
        }
        publishStats()
    }

    /// Replaces the inputs of finished merges by their outputs in the working state.
    ///
    /// Documents deleted in an input after its merge started are still live in the
    /// output; the merge's doc maps say where they went, and they are deleted there too.
    func installFinishedMerges() {
        let finished = finishedMerges
        finishedMerges = []
        for merge in finished {
            do {
                try install(merge)
                counters.mergesDone += 1
            } catch {
                options.warningHandler("index '\(name)': merge into \(merge.merge.output) discarded: \(error)")
                if let output = merge.result { obsoleteFiles += output.info.files }
            }
        }
    }

    private func install(_ finished: FinishedMerge) throws {
        let inputIndexes = segments.indices.filter { finished.merge.inputs.contains(segments[$0].entry.name) }
        guard inputIndexes.count == finished.merge.inputs.count, let first = inputIndexes.first else {
            throw IndexError.corrupt("merge inputs are gone")
        }
        var replacement: LiveSegment?
        if let output = finished.result {
            let (info, reader) = (output.info, output.reader)
            var deletions = DeletionBitmap(documentCount: reader.documentCount)
            for index in inputIndexes {
                let input = segments[index]
                // Doc maps are in the order of `merge.inputs`.
                guard let position = finished.merge.inputs.firstIndex(of: input.entry.name) else { continue }
                let docMap = output.docMaps[position]
                guard let before = finished.merge.startDeletions[input.entry.name] else { continue }
                guard input.deletions.deletedCount > before.deletedCount else { continue }
                for docID in 0..<UInt32(input.reader.documentCount)
                where input.deletions.isDeleted(docID) && !before.isDeleted(docID) {
                    if let merged = docMap[docID] { deletions.delete(merged) }
                }
            }
            replacement = LiveSegment(
                entry: Manifest.Segment(
                    name: info.name,
                    documentCount: info.documentCount,
                    byteSize: info.byteSize,
                    files: info.files
                ),
                reader: reader,
                deletions: deletions,
                dirty: deletions.deletedCount > 0,
                view: nil
            )
        }
        for index in inputIndexes {
            // Removed when no snapshot uses them any more (after the commit that drops them).
            retiringSegments.append(segments[index].reader)
            if let file = segments[index].entry.deletionFile { obsoleteFiles.append(file) }
        }
        var rebuilt: [LiveSegment] = []
        for (index, segment) in segments.enumerated() {
            if index == first, let replacement { rebuilt.append(replacement) }
            if !inputIndexes.contains(index) { rebuilt.append(segment) }
        }
        segments = rebuilt
        structureChanged = true
    }
}

extension IndexWriter {
    /// How long after a failed merge the next merge may start.
    static let mergeRetryDelay: Duration = .seconds(1)

    /// Merges running or finished but not yet installed by a commit.
    var mergesPending: Int { runningMerges.count + finishedMerges.count }

    /// Returns once every merge running now has finished (written or failed), without
    /// installing it: the next commit does that. For tests and shutdown.
    func waitForRunningMerges() async {
        for task in Array(mergeTasks.values) { await task.value }
    }
}
