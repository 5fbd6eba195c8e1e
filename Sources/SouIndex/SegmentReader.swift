import SouDocument
import SouFormat
import Synchronization

/// One immutable segment opened for reading: every file mapped, its structure checked, and
/// its checksums verified at open (`OpenChecks.full`) or later (`verify(force:)`).
///
/// Safety of `@unchecked Sendable`: all stored properties are `let` and refer to readers
/// over read-only mappings that are themselves immutable after `init` (`retired` is atomic).
/// The mappings are released when the last reference to this reader (held by snapshots)
/// goes away, so a query that holds a `Snapshot` never sees unmapped memory.
///
/// Lifetime of the files: when a commit drops the segment (a merge replaced it) the
/// writer calls `retire()`; the files are then removed in `deinit`, i.e. only once no
/// snapshot, query or writer uses the segment any more (docs/FORMAT.md §9, "Commit").
public final class SegmentReader: @unchecked Sendable {
    public let name: String
    public let directory: String
    public let meta: SegmentMeta
    public let dictionary: TermDictionaryReader
    public let postings: PostingsReader
    public let storedFields: StoredFieldsReader
    public let norms: FieldNormsReader
    /// The documents' ids, uncompressed; nil for a segment written before id columns existed
    /// (its ids come from the stored fields).
    public let ids: IdColumnReader?
    /// Sum of the sizes of the segment's files.
    public let byteSize: Int
    /// A number no other reader of this process has: keys of caches of per-segment data
    /// (an object address can be reused once the reader is gone).
    public let serial: UInt64
    private static let serials = Atomic<UInt64>(0)
    /// Set by `retire()`: remove the files when the last reference goes away.
    private let retired = Atomic<Bool>(false)
    /// The segment's files as opened: `deinit` removes a path only if it still names the
    /// same file (a dropped and re-created index reuses segment names).
    private let files: [(path: String, identity: FileIdentity?)]
    /// Whether the checksums are known good (`verify(force:)`).
    let verification: SegmentVerification

    /// Maps every file of segment `name` in `directory` and checks it.
    /// - Parameters:
    ///   - files: the file names the manifest lists for the segment, nil for a segment this
    ///     build just wrote. A listed file (or, without a list, any file) that is missing is
    ///     an error; only a segment whose list lacks the id column is opened without one.
    ///   - checks: `.full` verifies every checksum now (O(segment size)); `.structure` checks
    ///     headers, trailers, sizes and offsets (O(1) per file; `.meta` is always verified, it
    ///     is tiny) and leaves the checksums to `verify(force:)`. Either way every read stays
    ///     inside the mappings.
    /// - Throws: `FormatError` naming the file that is missing, truncated or corrupt.
    public init(directory: String, name: String, files listed: [String]? = nil, checks: OpenChecks = .full) throws {
        self.name = name
        self.directory = directory
        serial = Self.serials.add(1, ordering: .relaxed).newValue
        func map(_ file: SegmentFile, willNeed: Bool = false) throws -> MappedFile {
            try MappedFile(
                path: file.path(directory: directory, segment: name),
                willNeed: willNeed,
                randomAccess: checks == .structure
            )
        }
        let metaFile = try map(.meta)
        let dictionaryFile = try map(.dictionary)
        let postingsFile = try map(.postings)
        let positionsFile = try map(.positions)
        let storedFile = try map(.storedFields)
        let normsFile = try map(.fieldNorms)
        let hasIdColumn = listed?.contains(SegmentFile.ids.fileName(segment: name)) ?? true
        let idsFile = hasIdColumn ? try map(.ids) : nil
        meta = try SegmentMeta(file: metaFile)
        dictionary = try TermDictionaryReader(file: dictionaryFile, checks: checks)
        postings = try PostingsReader(postings: postingsFile, positions: positionsFile, checks: checks)
        storedFields = try StoredFieldsReader(file: storedFile, checks: checks)
        norms = try FieldNormsReader(file: normsFile, checks: checks)
        ids = try idsFile.map { try IdColumnReader(file: $0, checks: checks) }
        let mapped =
            [metaFile, dictionaryFile, postingsFile, positionsFile, storedFile, normsFile]
            + (idsFile.map { [$0] } ?? [])
        byteSize = mapped.reduce(0) { $0 + $1.bytes.count }
        verification = SegmentVerification(verified: checks == .full)
        if checks == .structure {
            // Open read headers and trailers only, page by page; queries read ahead as usual.
            for file in mapped { file.endRandomAccess() }
        } else {
            // Verifying every checksum read each page once; opening must not leave the postings
            // (or anything else) resident: queries fault in what they touch.
            for file in mapped { file.releaseResidentPages() }
        }
        files = SegmentFile.allCases.map { file in
            let path = file.path(directory: directory, segment: name)
            return (path, SystemCalls.fileIdentity(path))
        }
        // Name the file that disagrees with `.meta` (whose checksum was verified): with
        // `OpenChecks.structure` a damaged count is found here, not by a checksum.
        let disagreeing =
            storedFields.count != meta.documentCount
            ? storedFile
            : norms.documentCount != meta.documentCount || norms.fieldCount != meta.fieldNames.count
                ? normsFile : ids.map({ $0.count != meta.documentCount }) == true ? idsFile : nil
        if let disagreeing {
            throw FormatError.corrupt(
                file: disagreeing.name,
                reason: "document or field counts disagree with \(name).meta"
            )
        }
    }

    /// Unlinks the segment's files, if retired, after every reference (snapshot) is gone;
    /// the mappings are released right after.
    deinit {
        guard retired.load(ordering: .acquiring) else { return }
        for (path, identity) in files where identity != nil && SystemCalls.fileIdentity(path) == identity {
            try? SystemCalls.removeFile(path)
        }
    }

    /// Marks the segment superseded: no manifest names it any more, so its files are
    /// removed as soon as the last snapshot that uses it is released. Call only after the
    /// manifest that drops the segment is durable.
    func retire() {
        retired.store(true, ordering: .releasing)
    }

    /// Whether `retire()` was called.
    var isRetired: Bool { retired.load(ordering: .acquiring) }

    /// Whether the segment's checksums are known good, not checked yet, or failed.
    var verificationState: SegmentVerification.State { verification.current }

    /// Verifies every checksum of the segment and the invariants that take a pass over a file
    /// (each reader's `verify()`); remembers the answer, so only the first call (or one with
    /// `force`) reads the files. Concurrent calls run one verification.
    /// - Parameter force: verify again even if the answer is known (`VERIFY`: the disk may
    ///   have changed since).
    /// - Throws: `IndexError.corrupt` naming the file.
    /// - Complexity: O(segment size), read sequentially; blocks the calling thread.
    func verify(force: Bool = false) throws {
        let state = verification.run(force: force) {
            try dictionary.verify()
            try postings.verify()
            try storedFields.verify()
            try norms.verify()
            try ids?.verify()
        }
        if case .failed(let error) = state { throw error }
    }

    public var documentCount: Int { meta.documentCount }

    /// The dictionary key of `term` in field number `field`.
    public static func key(field: UInt8, term: String) -> [UInt8] {
        var key = [field]
        key.append(contentsOf: term.utf8)
        return key
    }

    /// The doc ID of the document with external id `id`, deleted or not.
    public func docID(forExternalID id: String) throws -> UInt32? {
        guard let info = try dictionary.lookup(Self.key(field: SegmentMeta.idFieldNumber, term: id)) else { return nil }
        let cursor = postings.cursor(for: info)
        return cursor.doc == PostingsCursor.noMoreDocs ? nil : cursor.doc
    }

    public func document(_ docID: UInt32) throws -> Document {
        try storedFields.document(docID)
    }

    /// The document `docID` for a sequential reader (a merge), bypassing the block cache
    /// queries share; see `StoredFieldsReader.document(_:memo:)`.
    public func document(_ docID: UInt32, memo: inout StoredFieldsReader.BlockMemo) throws -> Document {
        try storedFields.document(docID, memo: &memo)
    }

    /// The external id of document `docID`: from the id column (no inflation), or from the
    /// stored fields for a segment written before id columns existed.
    /// - Throws: `FormatError` if `docID` is out of range or the file is damaged.
    public func id(_ docID: UInt32) throws -> String {
        if let ids { return try ids.id(docID) }
        return try storedFields.document(docID).id
    }
}

extension SegmentReader {
    /// Drops this process's mappings of every page of the segment's files (a merge that
    /// read them all); see `MappedFile.releaseResidentPages()`.
    func releaseResidentPages() {
        dictionary.file.releaseResidentPages()
        postings.postingsFile.releaseResidentPages()
        postings.positionsFile.releaseResidentPages()
        storedFields.file.releaseResidentPages()
        norms.file.releaseResidentPages()
        ids?.file.releaseResidentPages()
    }
}
