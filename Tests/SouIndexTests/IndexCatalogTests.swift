import SouDocument
import SouFormat
import SouTestSupport
import Testing

@testable import SouIndex

#if canImport(Glibc)
import Glibc
#endif

@Suite(.offCooperativePool) struct IndexCatalogTests {
    @Test func emptyDirectoryGetsDefaultIndex() async throws {
        let scratch = ScratchDirectory()
        let catalog = try await IndexCatalog(dataDirectory: scratch.file("data"), options: testOptions())
        #expect(catalog.names() == ["default"])
        #expect(catalog.index(named: "default") != nil)
        #expect(catalog.index(named: "nope") == nil)
        try await catalog.close()
    }

    @Test func secondCatalogOnSameDirectoryIsLocked() async throws {
        let scratch = ScratchDirectory()
        let path = scratch.file("data")
        let catalog = try await IndexCatalog(dataDirectory: path, options: testOptions())
        await #expect(throws: IndexError.locked(path: path + "/LOCK")) {
            _ = try await IndexCatalog(dataDirectory: path, options: testOptions())
        }
        try await catalog.close()
        let again = try await IndexCatalog(dataDirectory: path, options: testOptions())
        try await again.close()
    }

    @Test func createDropListWithSettingsThatPersist() async throws {
        let scratch = ScratchDirectory()
        let path = scratch.file("data")
        let catalog = try await IndexCatalog(dataDirectory: path, options: testOptions())
        let news = try await catalog.create("news", settings: IndexSettings(boosts: ["title": 3]))
        _ = try await catalog.create("logs-2024")
        await #expect(throws: IndexError.exists("news")) { try await catalog.create("news") }
        await #expect(throws: IndexError.invalidName("Bad Name")) { try await catalog.create("Bad Name") }
        #expect(catalog.names() == ["default", "logs-2024", "news"])
        try await news.add([document("a", "hello world")])
        try await catalog.drop("logs-2024")
        await #expect(throws: IndexError.notFound("logs-2024")) { try await catalog.drop("logs-2024") }
        #expect(!SystemCalls.fileExists(path + "/logs-2024"))
        try await catalog.close()

        let reopened = try await IndexCatalog(dataDirectory: path, options: testOptions())
        #expect(reopened.names() == ["default", "news"])
        let index = try #require(reopened.index(named: "news"))
        #expect(index.settings == IndexSettings(boosts: ["title": 3]))
        #expect(try index.snapshot().document(id: "a") == document("a", "hello world"))
        try await reopened.close()
    }

    /// A DROP whose rename fails (here: the index directory is a mount point, EBUSY) reports
    /// the error and the index stays listed, readable and writable, also after a restart.
    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func failedDropKeepsTheIndex() async throws {
        let scratch = ScratchDirectory()
        let path = scratch.file("data")
        let first = try await IndexCatalog(dataDirectory: path, options: testOptions())
        try await first.create("news").add([document("a", "hello world")])
        try await first.close()
        // Move the index onto a tmpfs mounted at its own directory.
        let saved = scratch.file("saved")
        #expect(rename(path + "/news", saved) == 0)
        try SystemCalls.makeDirectory(path + "/news")
        guard mount("tmpfs", path + "/news", "tmpfs", 0, "size=4m,mode=0700") == 0 else {
            print("IndexCatalogTests: mount tmpfs failed (\(SystemCalls.errorMessage(errno))); not run")
            return
        }
        defer { _ = umount2(path + "/news", Int32(MNT_DETACH)) }
        for file in try SystemCalls.listDirectory(saved) {
            try writeFile(path + "/news/" + file, try DurableFile.read(saved + "/" + file))
        }

        let catalog = try await IndexCatalog(dataDirectory: path, options: testOptions())
        await #expect(throws: IndexError.self) { try await catalog.drop("news") }
        #expect(catalog.names() == ["default", "news"])
        let index = try #require(catalog.index(named: "news"))
        #expect(try index.snapshot().document(id: "a") == document("a", "hello world"))
        try await index.add([document("b", "still here")])
        try await catalog.close()
        let reopened = try await IndexCatalog(dataDirectory: path, options: testOptions())
        #expect(reopened.names() == ["default", "news"])
        #expect(try reopened.index(named: "news")?.snapshot().document(id: "b") == document("b", "still here"))
        try await reopened.close()
    }

    @Test func settingsAndDocumentsAreChecked() async throws {
        let scratch = ScratchDirectory()
        let catalog = try await IndexCatalog(dataDirectory: scratch.file("data"), options: testOptions())
        for boosts: [String: Float] in [["title": 1e15], ["title": -1], ["Title": 2], ["id": 2]] {
            await #expect(throws: IndexError.self) {
                try await catalog.create("x", settings: IndexSettings(boosts: boosts))
            }
        }
        #expect(catalog.names() == ["default"])
        _ = try await catalog.create(
            "x",
            settings: IndexSettings(boosts: ["title": IndexSettings.maxBoost, "body": 0])
        )
        #expect(DocumentRules.violation(in: Document(id: "a\u{7F}b", fields: [])) != nil)
        #expect(DocumentRules.violation(in: Document(id: "a~b", fields: [])) == nil)
        try await catalog.close()
    }

    @Test func droppedIndexRejectsWritesButOldSnapshotsStillRead() async throws {
        let scratch = ScratchDirectory()
        let catalog = try await IndexCatalog(dataDirectory: scratch.file("data"), options: testOptions())
        let index = try await catalog.create("tmp")
        try await index.add([document("x", "alpha beta")])
        try await index.commit()
        let snapshot = index.snapshot()
        try await catalog.drop("tmp")
        await #expect(throws: IndexError.closed("tmp")) { try await index.add([document("y", "gamma")]) }
        // The files are unlinked, the mappings stay readable until the snapshot goes away.
        #expect(try snapshot.document(id: "x") == document("x", "alpha beta"))
        #expect(try search(snapshot, field: "body", term: "beta") == ["x"])
        try await catalog.close()
    }
}
