import SouDocument
import SouFormat

extension IndexWriter {
    /// Commits if anything is pending; errors go to the warning handler (the writes stay
    /// in the log and are retried by the next refresh). A caller that comes while a refresh
    /// runs waits for that one.
    ///
    /// A refresh of at least `minimumPartBytes` builds its segments *before* it takes the
    /// commit gate, from the documents buffered when it starts: writes go on meanwhile
    /// (they are logged, applied and acknowledged as usual), so ingest and segment building
    /// overlap. The commit installs them (`installPrebuilt(_:)`), deleting in them the
    /// documents a write replaced or removed meanwhile, and adds the documents that arrived
    /// during the build as one more segment.
    func refresh() async {
        guard state == .running else { return }
        if let running = refreshInFlight {
            await running.value
            return
        }
        let task = Task { await refreshNow() }
        refreshInFlight = task
        await task.value
        refreshInFlight = nil
    }

    /// A write found a refresh due. While a refresh builds outside the gate, the write goes
    /// on unless a full buffer's worth (`maxBufferedDocuments` or `maxBufferedBytes`)
    /// arrived beyond the documents being built: then it waits for that refresh
    /// (backpressure; the buffer never grows without bound).
    func refreshOrWaitIfFull() async {
        guard let running = refreshInFlight else { return await refresh() }
        let (documents, bytes) = refreshingBuffer
        if buffer.count - documents >= options.maxBufferedDocuments
            || buffer.estimatedBytes - bytes >= options.maxBufferedBytes
        {
            await running.value
        }
    }

    private func refreshNow() async {
        let prebuilt = buffer.estimatedBytes >= options.minimumPartBytes ? await buildOutsideGate() : nil
        await acquireGate()
        defer { releaseGate() }
        guard state == .running else {
            prebuilt?.discard()
            return
        }
        do {
            try await commitLocked(force: false, prebuilt: prebuilt)
        } catch {
            scheduler.refreshFailed(now: elapsed())
            options.warningHandler(
                "index '\(name)': refresh failed: \(error); will retry in \(scheduler.retryDelay)"
            )
        }
    }

    /// Builds segments of the buffered documents without holding the gate.
    /// - Returns: nil if building failed (the commit then builds them and reports the error).
    func buildOutsideGate() async -> Prebuilt? {
        let (documents, slots) = buffer.documentsWithSlots
        let parts = SegmentPartition.parts(
            of: documents,
            bytes: buffer.estimatedBytes,
            threads: options.indexingThreads,
            minimumBytes: options.minimumPartBytes
        )
        let names = parts.map { _ in
            defer { nextSegmentNumber += 1 }
            return "seg-\(nextSegmentNumber)"
        }
        let (bytes, directory) = (buffer.estimatedBytes, directory)
        let mark = (epoch: buffer.epoch, slotCount: buffer.slotCount)
        refreshingBuffer = (documents.count, bytes)
        defer { refreshingBuffer = (0, 0) }
        do {
            let segments = try await BlockingIO.run {
                defer { MallocTuning.returnFreeMemory() }  // the segment builders' buffers
                return try SegmentPartition.build(parts, names: names, directory: directory)
            }
            return Prebuilt(
                segments: segments,
                slots: slots,
                bytes: bytes,
                bufferEpoch: mark.epoch,
                bufferSlotCount: mark.slotCount
            )
        } catch {
            return nil
        }
    }

    /// Adds segments built outside the gate to the working state, like a finished merge:
    /// their documents leave the buffer, and those a write replaced or removed during the
    /// build are deleted in them (so a hot id upserted meanwhile costs one deletion, not the
    /// build). The commit under way records them in the manifest; if it fails they stay in
    /// the working state for the next one (the log still holds their writes). Dropped only
    /// if the buffer was emptied meanwhile (a commit that did not wait for them).
    func installPrebuilt(_ prebuilt: Prebuilt) {
        guard buffer.epoch == prebuilt.bufferEpoch else {
            prebuilt.discard()
            prebuiltDiscarded += 1
            return
        }
        var position = 0
        for (info, reader) in prebuilt.segments {
            var deletions = DeletionBitmap(documentCount: info.documentCount)
            for doc in 0..<info.documentCount where !buffer.isBuffered(slot: prebuilt.slots[position + doc]) {
                _ = deletions.delete(UInt32(doc), norms: reader.norms)
            }
            position += info.documentCount
            segments.append(
                LiveSegment(
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
            )
        }
        buffer.removeFirst(slots: prebuilt.bufferSlotCount, bytes: prebuilt.bytes)
        structureChanged = true
        prebuiltCommitted += 1
    }
}

/// Segments a refresh built from the buffered documents before taking the commit gate; no
/// manifest names them yet.
struct Prebuilt: Sendable {
    let segments: [(SegmentInfo, SegmentReader)]
    /// The buffer slot of each document built, in segment and doc-ID order.
    let slots: [Int]
    /// The documents' share of `DocumentBuffer.estimatedBytes`.
    let bytes: Int
    /// `DocumentBuffer.epoch` and `slotCount` when the documents were taken.
    let bufferEpoch: Int
    let bufferSlotCount: Int

    /// Removes the segments' files (once their readers are gone).
    func discard() {
        for (_, reader) in segments { reader.retire() }
    }
}
