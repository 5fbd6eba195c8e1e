import SouFormat

/// Writes the files of one merged segment (see `Merger`), one file kind per phase; the
/// phases live in the `MergeWriter+…` files.
struct MergeWriter {
    let plan: MergePlan
    let directory: String
    let name: String
    let cancellation: MergeCancellation
    let progress: MergeProgress
    /// Every file created so far, to remove on failure.
    private(set) var created: [String] = []

    /// Encoded bytes a writer buffers before handing them to its file.
    static let drainThreshold = 1 << 20

    init(plan: MergePlan, directory: String, name: String, cancellation: MergeCancellation, throttle: MergeThrottle?) {
        self.plan = plan
        self.directory = directory
        self.name = name
        self.cancellation = cancellation
        progress = MergeProgress(inputs: plan.inputs.map(\.reader), throttle: throttle)
    }

    /// Writes every file of the segment, each fsynced (the directory is not).
    /// - Returns: the segment's manifest entry.
    mutating func write() throws -> SegmentInfo {
        var sizes: [(SegmentFile, Int)] = []
        sizes += try writePostings()
        sizes.append((.storedFields, try writeStoredFields()))
        let (normsSize, statistics) = try writeNorms()
        sizes.append((.fieldNorms, normsSize))
        sizes.append((.ids, try writeIds()))
        let meta = SegmentMeta(
            documentCount: plan.documentCount,
            fieldNames: plan.fieldNames,
            fieldStatistics: statistics
        )
        let metaBytes = meta.encode()
        let metaPath = path(.meta)
        created.append(metaPath)
        try DurableFile.write(metaBytes, to: metaPath, sync: true)
        sizes.append((.meta, metaBytes.count))
        sizes.sort { a, b in
            SegmentFile.allCases.firstIndex(of: a.0)! < SegmentFile.allCases.firstIndex(of: b.0)!
        }
        return SegmentInfo(
            name: name,
            documentCount: plan.documentCount,
            byteSize: sizes.reduce(0) { $0 + $1.1 },
            files: sizes.map { $0.0.fileName(segment: name) }
        )
    }

    /// Removes every file this writer created.
    func removeFiles() {
        unlinkQuietly(created)
    }

    func path(_ file: SegmentFile) -> String {
        file.path(directory: directory, segment: name)
    }

    /// Creates one of the segment's files, its writes reported to `progress`.
    mutating func output(_ file: SegmentFile, kind: FileKind) throws -> FramedFileOutput {
        let path = path(file)
        created.append(path)
        let progress = self.progress
        return try FramedFileOutput(path: path, kind: kind) { progress.wrote($0) }
    }
}
