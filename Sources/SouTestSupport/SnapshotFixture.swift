import SouDocument
import SouFormat
import SouIndex

#if canImport(Glibc)
import Glibc
#endif

/// Builds real segments on disk from documents and opens them as a `Snapshot`, for tests
/// of the query layer without the lifecycle machinery.
public final class SnapshotFixture: @unchecked Sendable {
    public let directory: String
    public let snapshot: Snapshot

    /// - Parameters:
    ///   - documents: written in order, split evenly into `segmentCount` segments.
    ///   - deletedIDs: ids marked deleted in the deletion bitmaps.
    public init(documents: [Document], segmentCount: Int = 1, deletedIDs: Set<String> = []) throws {
        var template = Array("/tmp/sou-fixture-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw FormatError.io(file: "/tmp", operation: "mkdtemp", errno: errno)
        }
        directory = String(cString: made)
        let count = max(1, segmentCount)
        let perSegment = (documents.count + count - 1) / max(count, 1)
        var views: [SegmentView] = []
        for index in 0..<count {
            let start = min(documents.count, index * perSegment)
            let end = min(documents.count, start + perSegment)
            var builder = SegmentBuilder()
            for document in documents[start..<end] { try builder.add(document) }
            _ = try builder.write(to: directory, name: "seg\(index)")
            let reader = try SegmentReader(directory: directory, name: "seg\(index)")
            var bitmap = DeletionBitmap(documentCount: reader.documentCount)
            for id in deletedIDs {
                if let doc = try reader.docID(forExternalID: id) { bitmap.delete(doc) }
            }
            views.append(SegmentView(reader: reader, deletions: bitmap))
        }
        snapshot = Snapshot(segments: views)
    }

    deinit {
        // Unlinking mapped files is safe on Linux: mappings stay valid until unmapped.
        if let handle = opendir(directory) {
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name != "." && name != ".." { unlink(directory + "/" + name) }
            }
            closedir(handle)
        }
        rmdir(directory)
    }
}
