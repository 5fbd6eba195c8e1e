import SouFormat

#if canImport(Glibc)
import Glibc
#endif

/// Checks one segment the manifest names (README, "Checking a data directory"): every
/// file's frame and checksum, then each reader's own checks, the counts the files must agree
/// on, the deletion file, the norms against the field statistics, every postings list
/// (`SegmentChecker+Postings.swift`) and every stored document (`+Documents.swift`).
///
/// Never throws and never traps on damaged bytes: everything it finds becomes a line of the
/// report, and a part whose file cannot be opened is skipped (its problem says why).
struct SegmentChecker {
    let directory: String
    let entry: Manifest.Segment
    var report: SegmentCheckReport
    /// Harmless findings (the manifest's byte size), for the index's warnings.
    var warnings: [String] = []
    /// Files the manifest names that do not exist.
    var missingFiles: [String] = []

    // The readers that opened; nil when their file is missing or damaged.
    var meta: SegmentMeta?
    var dictionary: TermDictionaryReader?
    var postings: PostingsReader?
    var storedFields: StoredFieldsReader?
    var norms: FieldNormsReader?
    var ids: IdColumnReader?

    init(directory: String, entry: Manifest.Segment) {
        self.directory = directory
        self.entry = entry
        report = SegmentCheckReport(
            name: entry.name,
            documentCount: entry.documentCount,
            deletedCount: entry.deletedCount
        )
    }

    /// Runs every check.
    mutating func run() -> (report: SegmentCheckReport, warnings: [String]) {
        let files = mapFiles()
        openReaders(files)
        checkCounts()
        checkDeletions()
        checkNorms()
        checkPostings()
        checkDocuments()
        return (report, warnings)
    }

    private func path(_ file: String) -> String { directory + "/" + file }

    /// Maps every file of the segment and verifies its frame and full checksum.
    /// - Returns: the files whose frame verified, by kind.
    private mutating func mapFiles() -> [SegmentFile: MappedFile] {
        let known = Set(SegmentFile.allCases.map { $0.fileName(segment: entry.name) })
        for file in entry.files where !known.contains(file) {
            report.add(problem: "the manifest lists \(file) for \(entry.name), which is not a segment file name")
        }
        var mapped: [SegmentFile: MappedFile] = [:]
        var segmentBytes = 0
        for kind in SegmentFile.allCases {
            let name = kind.fileName(segment: entry.name)
            guard entry.files.contains(name) else {
                // A segment written before id columns existed has six files (docs/FORMAT.md §11).
                if kind != .ids { report.add(problem: "the manifest's file list of \(entry.name) lacks \(name)") }
                continue
            }
            guard let file = map(name) else { continue }
            segmentBytes += file.bytes.count
            do {
                _ = try FileFraming.verify(file.bytes, kind: kind.fileKind, file: name)
                mapped[kind] = file
            } catch {
                report.add(problem: "\(error)")
            }
        }
        report.byteSize = segmentBytes
        if segmentBytes != entry.byteSize && missingFiles.isEmpty {
            warnings.append(
                "\(entry.name): the manifest records \(entry.byteSize) bytes, the files hold \(segmentBytes)"
                    + " (only merge decisions use it)"
            )
        }
        return mapped
    }

    /// Maps `name`, or records it as missing or unreadable.
    mutating func map(_ name: String) -> MappedFile? {
        do {
            return try MappedFile(path: path(name))
        } catch FormatError.io(_, _, ENOENT) {
            missingFiles.append(name)
            report.add(problem: "\(name): missing, but the manifest names it")
        } catch {
            report.add(problem: "\(error)")
        }
        return nil
    }

    /// Opens each reader over a verified file: their own open-time checks (trailers, block
    /// indexes, sizes) run here.
    private mutating func openReaders(_ files: [SegmentFile: MappedFile]) {
        func open<Reader>(_ kind: SegmentFile, _ make: (MappedFile) throws -> Reader) -> Reader? {
            guard let file = files[kind] else { return nil }
            do { return try make(file) } catch {
                report.add(problem: "\(error)")
                return nil
            }
        }
        let meta = open(.meta) { try SegmentMeta(file: $0) }
        let dictionary = open(.dictionary) { try TermDictionaryReader(file: $0) }
        let postings = files[.positions].flatMap { positions in
            open(.postings) { try PostingsReader(postings: $0, positions: positions) }
        }
        // Documents are read in order through a memo: a cache would only hold blocks read once.
        let storedFields = open(.storedFields) {
            try StoredFieldsReader(file: $0, cache: StoredBlockCache(capacityBytes: 0))
        }
        let norms = open(.fieldNorms) { try FieldNormsReader(file: $0) }
        let ids = open(.ids) { try IdColumnReader(file: $0) }
        (self.meta, self.dictionary, self.postings) = (meta, dictionary, postings)
        (self.storedFields, self.norms, self.ids) = (storedFields, norms, ids)
    }

    /// The document and field counts every file states must agree with the meta and the manifest.
    private mutating func checkCounts() {
        guard let meta else { return }
        let documents = meta.documentCount
        report.documentCount = documents
        let metaName = SegmentFile.meta.fileName(segment: entry.name)
        func compare(_ count: Int?, _ file: SegmentFile, _ what: String, expected: Int) {
            guard let count, count != expected else { return }
            report.add(
                problem: "\(file.fileName(segment: entry.name)) holds \(count) \(what), \(metaName) says \(expected)"
            )
        }
        if documents != entry.documentCount {
            report.add(problem: "\(metaName) holds \(documents) documents, the manifest says \(entry.documentCount)")
        }
        compare(storedFields?.count, .storedFields, "documents", expected: documents)
        compare(norms?.documentCount, .fieldNorms, "documents", expected: documents)
        compare(ids?.count, .ids, "documents", expected: documents)
        compare(norms?.fieldCount, .fieldNorms, "fields", expected: meta.fieldNames.count)
        if Set(meta.fieldNames).count != meta.fieldNames.count {
            report.add(problem: "\(metaName): a field name is listed twice")
        }
    }

    /// The deletion file: valid, sized for the segment, and counting what the manifest says.
    private mutating func checkDeletions() {
        guard let file = entry.deletionFile else {
            if entry.deletedCount != 0 {
                report.add(problem: "the manifest says \(entry.deletedCount) deleted but names no deletion file")
            }
            return
        }
        guard let mapped = map(file) else { return }
        report.byteSize += mapped.bytes.count
        do {
            let bitmap = try DeletionBitmap(file: mapped)
            if bitmap.documentCount != entry.documentCount {
                report.add(
                    problem: "\(file): covers \(bitmap.documentCount) documents, "
                        + "segment \(entry.name) has \(entry.documentCount)"
                )
            }
            if bitmap.deletedCount != entry.deletedCount {
                report.add(
                    problem:
                        "\(file): \(bitmap.deletedCount) documents deleted, the manifest says \(entry.deletedCount)"
                )
            }
            // Version 2 carries the deleted documents' field statistics: they must be what
            // the norms of those documents add up to.
            if let stored = bitmap.deletedStatistics, let norms, bitmap.documentCount == norms.documentCount {
                var counted = bitmap
                counted.countDeletedStatistics(norms: norms)
                let width = max(stored.count, counted.deletedStatistics?.count ?? 0)
                func padded(_ list: [FieldStatistics]?) -> [FieldStatistics] {
                    let list = list ?? []
                    return list + Array(repeating: FieldStatistics(), count: width - list.count)
                }
                if padded(stored) != padded(counted.deletedStatistics) {
                    report.add(
                        problem: "\(file): deleted documents' field statistics \(stored) disagree with their norms "
                            + "\(counted.deletedStatistics ?? [])"
                    )
                }
            }
        } catch {
            report.add(problem: "\(error)")
        }
    }

    /// The meta's field statistics are over every document, deleted ones included (deletions
    /// come later, in their own files; `SegmentView` subtracts them for live statistics): the
    /// sum of a field's norms is its `totalLength`, its nonzero norms its `documentCount`.
    private mutating func checkNorms() {
        guard let meta, let norms, norms.fieldCount == meta.fieldNames.count,
            norms.documentCount == meta.documentCount
        else { return }
        for (field, statistics) in meta.fieldStatistics.enumerated() {
            var total: UInt64 = 0
            var present: UInt32 = 0
            for doc in 0..<UInt32(meta.documentCount) {
                let length = norms.length(doc: doc, field: field)
                total &+= UInt64(length)
                if length > 0 { present &+= 1 }
            }
            let name = meta.fieldNames[field]
            if total != statistics.totalLength || present != statistics.documentCount {
                report.add(
                    problem: "field \(name): the norms sum to \(total) over \(present) documents, "
                        + "\(SegmentFile.meta.fileName(segment: entry.name)) says \(statistics.totalLength) over "
                        + "\(statistics.documentCount)"
                )
            }
        }
    }
}

extension SegmentFile {
    /// The frame kind (magic) of this file.
    var fileKind: FileKind {
        switch self {
        case .meta: return .segmentMeta
        case .dictionary: return .termDictionary
        case .postings: return .postings
        case .positions: return .positions
        case .storedFields: return .storedFields
        case .fieldNorms: return .fieldNorms
        case .ids: return .idColumn
        }
    }
}
