/// What the manifest records about one written segment.
public struct SegmentInfo: Sendable, Equatable, Codable {
    public var name: String
    public var documentCount: Int
    /// Total bytes of the segment's files.
    public var byteSize: Int
    /// File names (without directory) that belong to the segment.
    public var files: [String]

    public init(name: String, documentCount: Int, byteSize: Int, files: [String]) {
        self.name = name
        self.documentCount = documentCount
        self.byteSize = byteSize
        self.files = files
    }
}
