/// Writes a segment's field norms: the exact length (number of token positions) of every field
/// of every document, for BM25's length normalization.
///
/// Call `add(lengths:)` once per document in document-ID order, then `finish()`. Layout
/// (docs/FORMAT.md §7), field-major so one field's lengths are contiguous:
///
///     body := fieldCount: u32  documentCount: u32  length: u32[fieldCount][documentCount]
public struct FieldNormsWriter: Sendable {
    /// Number of fields (field numbers `0..<fieldCount`).
    public let fieldCount: Int
    private var lengths: [[UInt32]]
    private var documentCount = 0

    /// - Parameter fieldCount: the number of fields, 0 … `UInt32.max`.
    public init(fieldCount: Int) {
        precondition(fieldCount >= 0 && fieldCount <= Int(UInt32.max), "fieldCount out of range")
        self.fieldCount = fieldCount
        lengths = Array(repeating: [], count: fieldCount)
    }

    /// Number of documents added so far.
    public var count: Int { documentCount }

    /// Appends the next document's field lengths.
    ///
    /// - Parameter lengths: length of each field, indexed by field number. Fewer than
    ///   `fieldCount` entries means the missing (trailing) fields are empty (length 0); more is
    ///   a programming error.
    public mutating func add(lengths fieldLengths: [UInt32]) {
        precondition(fieldLengths.count <= fieldCount, "\(fieldLengths.count) lengths for \(fieldCount) fields")
        for field in 0..<fieldCount {
            lengths[field].append(field < fieldLengths.count ? fieldLengths[field] : 0)
        }
        documentCount += 1
    }

    /// The complete framed file (kind `.fieldNorms`).
    public func finish() -> [UInt8] {
        var out = ByteWriter(capacity: 8 + fieldCount * documentCount * 4)
        out.write(UInt32(fieldCount))
        out.write(UInt32(truncatingIfNeeded: documentCount))
        for field in lengths {
            for length in field { out.write(length) }
        }
        return FileFraming.frame(out.bytes, kind: .fieldNorms)
    }
}
