/// Checksum verification of an index's segments after open (issue 14, docs/FORMAT.md §2).
///
/// Opening checks only the structure of each segment file, so the daemon answers within a
/// second whatever the index's size; the checksums are verified afterwards, one segment at a
/// time on a low-priority thread (`BlockingIO.runVerification`): by the catalog's background
/// pass, by a merge before it reads its inputs, and on demand (`VERIFY`). A segment that
/// fails takes its whole index out of service: partial results are never served silently.
extension Index {
    /// Why the index is out of service (a segment failed verification), or nil if it is not.
    public var outOfService: IndexError? { published.outOfService.withLock { $0 } }

    /// Segments of the current snapshot whose checksums have not been verified yet.
    /// - Complexity: O(segments).
    public var unverifiedSegments: Int {
        snapshot().segments.count { $0.reader.verificationState == .unverified }
    }

    /// Verifies the segments of the current snapshot, one at a time on a low-priority thread.
    ///
    /// A segment that fails takes the index out of service (see `outOfService`): requests
    /// to it fail with that error, writes included, until it is reopened; writes already
    /// acknowledged stay in the log and are replayed by the next open.
    /// - Parameter force: verify every segment again, even one already verified (`VERIFY`);
    ///   otherwise only segments not verified yet (the background pass).
    /// - Returns: how many segments were verified.
    /// - Throws: `IndexError.corrupt` naming the file; `CancellationError` when the task is
    ///   cancelled (checked between segments).
    @discardableResult
    public func verify(force: Bool) async throws -> Int {
        var verified = 0
        for view in snapshot().segments {
            try Task.checkCancellation()
            let reader = view.reader
            guard force || reader.verificationState != .verified else { continue }
            do {
                try await BlockingIO.runVerification { try reader.verify(force: force) }
            } catch {
                let failure = IndexError.wrap(error)
                await takeOutOfService(segment: reader.name, failure)
                throw failure
            }
            verified += 1
        }
        return verified
    }

    /// Takes the index out of service because `segment` failed verification.
    func takeOutOfService(segment: String, _ error: IndexError) async {
        await writer.takeOutOfService(segment: segment, error)
    }
}
