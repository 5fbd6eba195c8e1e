import SouDocument
import SouFormat
import SouIndex

#if canImport(Glibc)
import Glibc
#endif

/// The sample corpus in `seeds/`, split into documents for tests.
public enum SeedCorpus {
    /// The repository root, found from this source file's location.
    public static var repositoryRoot: String {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Sources/SouTestSupport/SeedCorpus.swift
        return parts.joined(separator: "/")
    }

    /// The seed files as (name, text), sorted by name.
    public static func files() throws -> [(name: String, text: String)] {
        let directory = repositoryRoot + "/seeds"
        guard let handle = opendir(directory) else {
            throw FormatError.io(file: directory, operation: "opendir", errno: errno)
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasSuffix(".txt") { names.append(name) }
        }
        return try names.sorted().map { name in
            let bytes = try DurableFile.read(directory + "/" + name)
            return (name, String(decoding: bytes, as: UTF8.self))
        }
    }

    /// One document per non-empty paragraph: id `<file>#<n>`, `body` = the paragraph, and
    /// every fifth one also gets a `title` (the file's first line) to exercise several fields.
    public static func paragraphDocuments() throws -> [Document] {
        var documents: [Document] = []
        for (name, text) in try files() {
            let lines = text.split(whereSeparator: \.isNewline).map(String.init).filter {
                !$0.allSatisfy(\.isWhitespace)
            }
            let title = lines.first ?? ""
            for (index, line) in lines.enumerated() {
                var fields = [Document.Field(name: "body", value: line)]
                if index % 5 == 0 { fields.append(Document.Field(name: "title", value: title)) }
                documents.append(Document(id: "\(name)#\(index)", fields: fields))
            }
        }
        return documents
    }
}
