import SouFormat
import SouTestSupport
import Testing

@testable import SouIndex

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files of an index that are gone (deleted by hand, lost by a faulty disk): reported naming
/// the file, the index's other files left alone, the other indexes still served, and
/// nothing silently created over what is left.
@Suite(.offCooperativePool) struct MissingFilesTests {
    /// A data directory with `default` (two segments, a deletion file, records only in the
    /// live log) and `news` (one segment): a crash copy of it, closed.
    func makeDataDirectory() async throws -> ScratchDirectory {
        let scratch = ScratchDirectory()
        let path = scratch.file("data")
        let catalog = try await IndexCatalog(dataDirectory: path, options: testOptions())
        let index = try #require(catalog.index(named: "default"))
        for round in 0..<2 {
            try await index.add((0..<3).map { document("r\(round)-\($0)", "committed \(round)") })
            try await index.commit()
        }
        _ = try await index.delete(ids: ["r0-1"])
        try await index.commit()
        try await index.add([document("log-1", "only in the log")])
        let news = try await catalog.create("news")
        try await news.add([document("n1", "news item")])
        try await news.commit()
        let copy = try crashCopy(of: path)
        try await catalog.close()
        return copy
    }

    func files(_ directory: String) throws -> [String] {
        try SystemCalls.listDirectory(directory).sorted()
    }

    @Test(arguments: ["default", "news"])
    func missingManifestRefusesTheIndexAndKeepsItsFiles(name: String) async throws {
        let data = try await makeDataDirectory()
        let directory = data.path + "/" + name
        #expect(unlink(directory + "/" + Manifest.fileName) == 0)
        let before = try files(directory)
        #expect(before.contains { $0.hasPrefix("seg-") })
        let catalog = try await IndexCatalog(dataDirectory: data.path, options: testOptions())
        let error = try #require(catalog.unusableIndexes()[name], "\(catalog.names())")
        #expect("\(error)".contains(directory + "/" + Manifest.fileName), "\(error)")
        #expect(catalog.index(named: name) == nil)
        // The other index is served; no fresh index replaces the damaged one.
        #expect(catalog.names() == ["default", "news"].filter { $0 != name })
        await #expect(throws: IndexError.exists(name)) { try await catalog.create(name) }
        #expect(try files(directory) == before)
        try await catalog.close()
        #expect(try files(directory) == before)
    }

    @Test(arguments: [".post", ".store", ".ids", ".del"])
    func missingSegmentFileRefusesOnlyThatIndex(suffix: String) async throws {
        let data = try await makeDataDirectory()
        let directory = data.path + "/default"
        let victim = try #require(try files(directory).first { $0.hasPrefix("seg-") && $0.hasSuffix(suffix) })
        #expect(unlink(directory + "/" + victim) == 0)
        let catalog = try await IndexCatalog(dataDirectory: data.path, options: testOptions())
        let error = try #require(catalog.unusableIndexes()["default"], "\(catalog.names())")
        #expect(error == .corrupt("\(directory)/\(victim): missing, but the manifest names it"))
        let news = try #require(catalog.index(named: "news"))
        #expect(try news.snapshot().document(id: "n1") != nil)
        try await catalog.close()
    }

    /// The live log's header is durable before its manifest, so a missing or empty live
    /// log means acknowledged writes may be gone: a warning and `walProblems` say so.
    @Test(arguments: [true, false])
    func missingOrEmptyLiveLogIsReported(remove: Bool) async throws {
        let data = try await makeDataDirectory()
        let directory = data.path + "/default"
        let manifest = try #require(try Manifest.read(directory: directory))
        let log = WALFormat.fileName(manifest.nextWALNumber - 1)
        #expect(SystemCalls.fileExists(directory + "/" + log))
        if remove {
            #expect(unlink(directory + "/" + log) == 0)
        } else {
            #expect(truncate(directory + "/" + log, 0) == 0)
        }
        let warnings = WarningLog()
        let catalog = try await IndexCatalog(dataDirectory: data.path, options: testOptions(warnings: warnings))
        let index = try #require(catalog.index(named: "default"))
        #expect(index.stats().walProblems == 1)
        #expect(warnings.all.contains { $0.contains(log) && $0.contains("may be lost") }, "\(warnings.all)")
        // The committed documents are all there; the log's record is what was lost.
        #expect(index.snapshot().liveDocumentCount == 5)
        try await catalog.close()
        // Reported once: the open's commit started a fresh live log.
        let again = try await IndexCatalog(dataDirectory: data.path, options: testOptions())
        #expect(try #require(again.index(named: "default")).stats().walProblems == 0)
        try await again.close()
    }

    @Test func intactLogsReportNoProblem() async throws {
        let data = try await makeDataDirectory()
        let catalog = try await IndexCatalog(dataDirectory: data.path, options: testOptions())
        let index = try #require(catalog.index(named: "default"))
        #expect(index.stats().walProblems == 0)
        #expect(try index.snapshot().document(id: "log-1") != nil)
        try await catalog.close()
    }
}
