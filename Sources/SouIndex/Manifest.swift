import SouFormat

/// The root of an index on disk: which segments are live, with which deletions, and how
/// far the write-ahead log is already in them. Replaced atomically on every commit.
///
/// Layout (docs/FORMAT.md §9), a framed file of kind `.manifest` ("SOUI") named `MANIFEST`:
///
///     generation:          u64     // +1 per commit
///     checkpointSequence:  u64     // every WAL record ≤ this is in the segments
///     nextSegmentNumber:   u64     // segment names are "seg-<number>"
///     nextWALNumber:       u64     // next log file generation
///     settings:            count: varint { field: string  boost: f32 }*
///     segmentCount:        varint
///     zero-or-more {
///       name:          string
///       documentCount: varint      // deleted ones included
///       byteSize:      varint      // bytes of the segment's own files
///       files:         count: varint { file: string }*
///       deletedCount:  varint
///       deletionFile:  string      // "" when nothing is deleted
///     }
///
/// Strings are a varint byte count and UTF-8 bytes; integers little-endian.
public struct Manifest: Sendable, Equatable {
    /// One live segment as the manifest records it.
    public struct Segment: Sendable, Equatable {
        public var name: String
        public var documentCount: Int
        public var byteSize: Int
        public var files: [String]
        public var deletedCount: Int
        /// The deletion bitmap file, or nil when nothing is deleted.
        public var deletionFile: String?

        public init(
            name: String,
            documentCount: Int,
            byteSize: Int,
            files: [String],
            deletedCount: Int = 0,
            deletionFile: String? = nil
        ) {
            self.name = name
            self.documentCount = documentCount
            self.byteSize = byteSize
            self.files = files
            self.deletedCount = deletedCount
            self.deletionFile = deletionFile
        }
    }

    /// The manifest's file name inside an index directory.
    public static let fileName = "MANIFEST"

    public var generation: UInt64
    public var checkpointSequence: UInt64
    public var nextSegmentNumber: UInt64
    public var nextWALNumber: UInt64
    public var settings: IndexSettings
    public var segments: [Segment]

    public init(
        generation: UInt64 = 0,
        checkpointSequence: UInt64 = 0,
        nextSegmentNumber: UInt64 = 1,
        nextWALNumber: UInt64 = 1,
        settings: IndexSettings = .init(),
        segments: [Segment] = []
    ) {
        self.generation = generation
        self.checkpointSequence = checkpointSequence
        self.nextSegmentNumber = nextSegmentNumber
        self.nextWALNumber = nextWALNumber
        self.settings = settings
        self.segments = segments
    }

    /// Every file this manifest refers to (segment files and deletion files).
    public var referencedFiles: Set<String> {
        var files = Set<String>()
        for segment in segments {
            files.formUnion(segment.files)
            if let deletionFile = segment.deletionFile { files.insert(deletionFile) }
        }
        return files
    }

    /// The whole framed file.
    public func encode() -> [UInt8] {
        var writer = ByteWriter(capacity: 256)
        writer.write(generation)
        writer.write(checkpointSequence)
        writer.write(nextSegmentNumber)
        writer.write(nextWALNumber)
        settings.encode(into: &writer)
        writer.writeVarint(segments.count)
        for segment in segments {
            writer.writeString(segment.name)
            writer.writeVarint(segment.documentCount)
            writer.writeVarint(segment.byteSize)
            writer.writeVarint(segment.files.count)
            for file in segment.files { writer.writeString(file) }
            writer.writeVarint(segment.deletedCount)
            writer.writeString(segment.deletionFile ?? "")
        }
        return FileFraming.frame(writer.bytes, kind: .manifest)
    }

    /// Decodes and verifies a whole manifest file image.
    ///
    /// - Throws: `FormatError` naming `file` on a bad magic, version, checksum or structure.
    public static func decode(_ bytes: UnsafeRawBufferPointer, file: String) throws -> Manifest {
        let (body, _) = try FileFraming.verify(bytes, kind: .manifest, file: file)
        var reader = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[body]), file: file)
        var manifest = Manifest(
            generation: try reader.readUInt64(),
            checkpointSequence: try reader.readUInt64(),
            nextSegmentNumber: try reader.readUInt64(),
            nextWALNumber: try reader.readUInt64()
        )
        manifest.settings = try IndexSettings.decode(from: &reader)
        let count = try reader.readVarintInt(limit: reader.remaining)
        var names = Set<String>()
        for _ in 0..<count {
            let name = try reader.readString()
            let documentCount = try reader.readVarintInt(limit: Int(UInt32.max))
            let byteSize = try reader.readVarintInt()
            let fileCount = try reader.readVarintInt(limit: reader.remaining)
            var files: [String] = []
            for _ in 0..<fileCount { files.append(try reader.readString()) }
            let deletedCount = try reader.readVarintInt(limit: documentCount)
            let deletionFile = try reader.readString()
            for name in files + [deletionFile] where name.contains("/") || name == ".." {
                throw FormatError.corrupt(file: file, reason: "file name '\(name)' is not a plain name")
            }
            guard names.insert(name).inserted else {
                throw FormatError.corrupt(file: file, reason: "segment \(name) listed twice")
            }
            manifest.segments.append(
                Segment(
                    name: name,
                    documentCount: documentCount,
                    byteSize: byteSize,
                    files: files,
                    deletedCount: deletedCount,
                    deletionFile: deletionFile.isEmpty ? nil : deletionFile
                )
            )
        }
        guard reader.isAtEnd else { throw FormatError.corrupt(file: file, reason: "trailing bytes") }
        return manifest
    }

    /// Reads `MANIFEST` in `directory`.
    ///
    /// - Returns: the manifest, or nil if the directory has none.
    /// - Throws: `IndexError.corrupt` naming the file if it fails verification,
    ///   `IndexError.io` if it cannot be read.
    public static func read(directory: String) throws -> Manifest? {
        let path = directory + "/" + fileName
        guard SystemCalls.fileExists(path) else { return nil }
        do {
            let file = try MappedFile(path: path)
            return try decode(file.bytes, file: path)
        } catch {
            throw IndexError.wrap(error)
        }
    }

    /// Replaces `MANIFEST` in `directory` atomically: temp file, fsync, rename, fsync directory.
    ///
    /// - Throws: `DurableFile.ReplacedButNotSynced` if the rename succeeded but the
    ///   directory fsync failed: this manifest is then in place, not known to be durable.
    ///   `IndexError.io` on any other failure; the previous manifest is then still in place.
    public func write(directory: String) throws {
        do {
            try DurableFile.writeAtomically(encode(), to: directory + "/" + Self.fileName)
        } catch let error as DurableFile.ReplacedButNotSynced {
            throw error
        } catch {
            throw IndexError.wrap(error)
        }
    }
}
