import Foundation
import SouCorpus
import SouDocument
import SouFormat
import SouIndex

/// Generated corpora and on-disk segments shared by the benchmark targets. Everything is
/// seeded: two runs measure the same documents and the same queries.
public enum Fixtures {
    /// The seed of every benchmark corpus.
    public static let seed: UInt64 = 1

    /// - Returns: documents of `kind` whose JSON lines total about `bytes`.
    public static func documents(_ kind: CorpusKind, bytes: Int) -> [Document] {
        var generator = CorpusGenerator(seed: seed, kind: kind)
        return generator.documents(totalBytes: bytes).map(document)
    }

    public static func document(_ generated: GeneratedDocument) -> Document {
        Document(
            id: generated.id,
            fields: [
                Document.Field(name: "title", value: generated.titleString),
                Document.Field(name: "body", value: generated.bodyString),
            ]
        )
    }

    /// UTF-8 bytes of the documents' field texts.
    public static func textBytes(_ documents: [Document]) -> Int {
        documents.reduce(0) { sum, document in sum + document.fields.reduce(0) { $0 + $1.value.utf8.count } }
    }

    /// A fresh directory under the system temporary directory.
    public static func temporaryDirectory(_ label: String) -> String {
        let path = NSTemporaryDirectory() + "sou-bench-\(label)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    public static func removeDirectory(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Builds `documents` into `segmentCount` segments in a new temporary directory.
    /// - Returns: the directory and the open segments (unlinking the files later is safe:
    ///   mappings stay valid until unmapped).
    public static func segments(
        _ documents: [Document],
        count segmentCount: Int = 1,
        label: String
    )
        throws -> (directory: String, views: [SegmentView])
    {
        let directory = temporaryDirectory(label)
        let perSegment = (documents.count + segmentCount - 1) / segmentCount
        var views: [SegmentView] = []
        for index in 0..<segmentCount {
            let start = min(documents.count, index * perSegment)
            let end = min(documents.count, start + perSegment)
            var builder = SegmentBuilder()
            for document in documents[start..<end] { try builder.add(document) }
            _ = try builder.write(to: directory, name: "seg\(index)")
            views.append(
                SegmentView(reader: try SegmentReader(directory: directory, name: "seg\(index)"), deletions: nil)
            )
        }
        return (directory, views)
    }

    /// Query texts for sampling: title and body of each document.
    public static func texts(_ documents: [Document]) -> [String] {
        documents.map { document in document.fields.map(\.value).joined(separator: "\n") }
    }
}
