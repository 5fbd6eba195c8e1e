import Testing

@testable import SouIndex

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct DataDirectoryTests {
    @Test func secondLockFailsEvenInOneProcess() throws {
        let scratch = ScratchDirectory()
        let path = scratch.file("data")
        let first = try DataDirectory(path: path)
        #expect(throws: IndexError.locked(path: path + "/LOCK")) { try DataDirectory(path: path) }
        first.unlock()
        let second = try DataDirectory(path: path)
        second.unlock()
    }

    @Test func lockIsReleasedWhenDropped() throws {
        let scratch = ScratchDirectory()
        do { _ = try DataDirectory(path: scratch.path) }
        _ = try DataDirectory(path: scratch.path)
    }

    @Test func directoryIsPrivate() throws {
        let scratch = ScratchDirectory()
        let path = scratch.file("data")
        _ = try DataDirectory(path: path)
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700)
    }

    @Test func indexNames() {
        for name in ["default", "a", "0", "news_2024", "zh-cn", String(repeating: "a", count: 64)] {
            #expect(DataDirectory.isValidIndexName(name), "\(name)")
        }
        for name in ["", "Default", "_x", "-x", "a b", "a/b", "..", ".trash-x", "名", String(repeating: "a", count: 65)]
        {
            #expect(!DataDirectory.isValidIndexName(name), "\(name)")
        }
    }
}
