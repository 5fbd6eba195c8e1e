extension IdColumnWriter {
    /// Writes an id-column file (docs/FORMAT.md §12) straight to disk, for a writer that can
    /// visit the ids twice (a merge): first every id's end offset, then every id's bytes.
    /// Memory stays constant however many documents the segment has.
    public struct Streaming {
        private let file: FramedFileOutput
        private let count: Int
        private var ends = 0
        private var end: UInt32 = 0
        private var bytes: UInt64 = 0
        private var buffer = ByteWriter(capacity: Self.bufferSize)
        private static let bufferSize = 64 * 1024

        /// Writes the header.
        /// - Throws: `FormatError.io` on write failures.
        public init(count: Int, file: FramedFileOutput) throws {
            precondition(count >= 0 && count <= Int(UInt32.max), "count out of range")
            self.file = file
            self.count = count
            buffer.write(UInt32(count))
        }

        /// First pass: appends the length of the next id (in doc-ID order).
        /// - Throws: `FormatError.corrupt` once the ids pass 4 GiB.
        public mutating func addLength(_ length: Int) throws {
            precondition(ends < count && length > 0, "id \(ends) of \(count), length \(length)")
            guard let next = UInt32(exactly: UInt64(end) + UInt64(length)) else {
                throw FormatError.corrupt(file: file.path, reason: "ids of one segment exceed 4 GiB")
            }
            end = next
            buffer.write(end)
            ends += 1
            if buffer.count >= Self.bufferSize { try file.drain(&buffer) }
        }

        /// Second pass: appends the bytes of the next id (as long as its first-pass length).
        public mutating func addBytes(_ id: UnsafeRawBufferPointer) throws {
            precondition(ends == count, "addBytes before every length was added")
            bytes += UInt64(id.count)
            precondition(bytes <= UInt64(end), "more id bytes than the lengths announced")
            if buffer.count + id.count > Self.bufferSize { try file.drain(&buffer) }
            if id.count > Self.bufferSize {
                try file.append(id)
            } else {
                buffer.write(bytes: id)
            }
        }

        /// Finishes the file. - Returns: its size.
        public mutating func finish() throws -> Int {
            precondition(
                ends == count && bytes == UInt64(end),
                "ids incomplete: \(ends) of \(count), \(bytes) of \(end) bytes"
            )
            try file.drain(&buffer)
            return try file.finish()
        }
    }
}
