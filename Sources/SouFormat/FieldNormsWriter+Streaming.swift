extension FieldNormsWriter {
    /// Writes a field-norms file (docs/FORMAT.md §7) straight to disk in its field-major
    /// order, for a writer that produces the lengths field by field (a merge): memory stays
    /// constant however many documents the segment has.
    public struct Streaming {
        private let file: FramedFileOutput
        private let expected: Int
        private var written = 0
        private var buffer = ByteWriter(capacity: Self.bufferSize)
        private static let bufferSize = 64 * 1024

        /// Writes the header.
        /// - Throws: `FormatError.io` on write failures.
        public init(fieldCount: Int, documentCount: Int, file: FramedFileOutput) throws {
            precondition(fieldCount >= 0 && fieldCount <= Int(UInt32.max), "fieldCount out of range")
            precondition(documentCount >= 0 && documentCount <= Int(UInt32.max), "documentCount out of range")
            self.file = file
            expected = fieldCount * documentCount
            buffer.write(UInt32(fieldCount))
            buffer.write(UInt32(documentCount))
        }

        /// Appends the next length: every document's length of field 0 in doc-ID order, then
        /// field 1, and so on.
        public mutating func add(_ length: UInt32) throws {
            precondition(written < expected, "more lengths than fields × documents")
            buffer.write(length)
            written += 1
            if buffer.count >= Self.bufferSize { try file.drain(&buffer) }
        }

        /// Finishes the file. - Returns: its size.
        public mutating func finish() throws -> Int {
            precondition(written == expected, "\(written) lengths for \(expected) (fields × documents)")
            try file.drain(&buffer)
            return try file.finish()
        }
    }
}
