/// What the term dictionary stores for one term: where its postings start and how many
/// documents it has. Written by `PostingsWriter.finishTerm()`, serialized by the term dictionary.
public struct TermInfo: Sendable, Equatable, Hashable {
    /// Number of documents (live or deleted) in the segment that contain the term.
    public var documentFrequency: UInt32
    /// Byte offset of the term's postings in the postings file body.
    public var postingsOffset: UInt64
    /// Byte offset of the term's positions in the positions file body.
    public var positionsOffset: UInt64
    /// Sum of the term's frequencies over all its documents.
    public var totalTermFrequency: UInt64

    public init(documentFrequency: UInt32, postingsOffset: UInt64, positionsOffset: UInt64, totalTermFrequency: UInt64)
    {
        self.documentFrequency = documentFrequency
        self.postingsOffset = postingsOffset
        self.positionsOffset = positionsOffset
        self.totalTermFrequency = totalTermFrequency
    }

    /// Layout: `documentFrequency: varint  postingsOffset: varint  positionsOffset: varint  totalTermFrequency: varint`.
    public func encode(into writer: inout ByteWriter) {
        writer.writeVarint(UInt64(documentFrequency))
        writer.writeVarint(postingsOffset)
        writer.writeVarint(positionsOffset)
        writer.writeVarint(totalTermFrequency)
    }

    public static func decode(from reader: inout ByteReader) throws -> TermInfo {
        let df = try reader.readVarint()
        guard df <= UInt64(UInt32.max) else {
            throw FormatError.corrupt(file: reader.file, reason: "document frequency")
        }
        return TermInfo(
            documentFrequency: UInt32(df),
            postingsOffset: try reader.readVarint(),
            positionsOffset: try reader.readVarint(),
            totalTermFrequency: try reader.readVarint()
        )
    }
}
