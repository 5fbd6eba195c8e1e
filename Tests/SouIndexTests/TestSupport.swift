import SouDocument
import SouFormat
import SouTestSupport
import Synchronization
import Testing

@testable import SouIndex

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh directory under /tmp, removed when the value is dropped.
final class ScratchDirectory {
    let path: String

    init() {
        var template = Array("/tmp/sou-index-test-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed")
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit { try? SystemCalls.removeTree(path) }

    func file(_ name: String) -> String { path + "/" + name }
}

/// Reads a whole file (tests only).
func readFile(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw IndexError.io("open \(path)") }
    defer { close(fd) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        out.append(contentsOf: buffer[0..<n])
    }
    return out
}

/// Replaces a whole file (tests only; not durable).
func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { throw IndexError.io("open \(path)") }
    defer { close(fd) }
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
}

/// Flips one bit of the byte at `offset` in the file at `path`.
func flipByte(in path: String, at offset: Int) throws {
    var bytes = try readFile(path)
    bytes[offset] ^= 0x40
    try writeFile(path, bytes)
}

/// Options for tests: no timer refresh unless asked, warnings collected.
func testOptions(
    refresh: Duration = .seconds(3600),
    durability: DurabilityPolicy = .always,
    merge: TieredMergePolicy.Settings = .init(),
    warnings: WarningLog? = nil
) -> IndexOptions {
    IndexOptions(
        durability: durability,
        refreshInterval: refresh,
        mergePolicy: merge,
        warningHandler: { message in warnings?.append(message) }
    )
}

/// Collects warnings (thread-safe).
final class WarningLog: Sendable {
    private let messages = Mutex<[String]>([])
    func append(_ message: String) { messages.withLock { $0.append(message) } }
    var all: [String] { messages.withLock { $0 } }
}

func document(_ id: String, _ body: String, title: String? = nil) -> Document {
    var fields = [Document.Field(name: "body", value: body)]
    if let title { fields.append(Document.Field(name: "title", value: title)) }
    return Document(id: id, fields: fields)
}

/// Ids of live documents whose `field` has the (lowercase ASCII) word `term`, by walking
/// the postings of every segment in the snapshot.
func search(_ snapshot: Snapshot, field: String, term: String) throws -> Set<String> {
    var ids = Set<String>()
    for view in snapshot.segments {
        guard let number = view.reader.meta.fieldNumber(field) else { continue }
        guard let info = try view.reader.dictionary.lookup(SegmentReader.key(field: UInt8(number), term: term)) else {
            continue
        }
        var cursor = view.reader.postings.cursor(for: info)
        while cursor.doc != PostingsCursor.noMoreDocs {
            if !view.isDeleted(cursor.doc) {
                let id = try view.reader.document(cursor.doc).id
                #expect(ids.insert(id).inserted, "\(id) live twice")
            }
            _ = cursor.next()
        }
    }
    return ids
}

/// Copies every file of `source` into a new scratch directory: what a `kill -9` at this
/// moment would leave on disk (written data is in the page cache, visible to readers).
func crashCopy(of source: String) throws -> ScratchDirectory {
    let copy = ScratchDirectory()
    try copyTree(source, copy.path)
    return copy
}

/// Copies every file below `source` into the existing directory `destination`.
func copyTree(_ source: String, _ destination: String) throws {
    for name in try SystemCalls.listDirectory(source) {
        let from = source + "/" + name
        if SystemCalls.isDirectory(from) {
            try SystemCalls.makeDirectory(destination + "/" + name)
            try copyTree(from, destination + "/" + name)
        } else {
            try writeFile(destination + "/" + name, readFile(from))
        }
    }
}
