import SouFormat

#if canImport(Glibc)
import Glibc
#endif

/// An offline checker of a data directory, as Lucene's CheckIndex: for every index, the
/// manifest, every file of every segment it names (framing, full checksum and every
/// structure: `SegmentChecker`), the deletion files, orphan files and the logs.
///
/// Read-only and lock-free: it never writes, renames or removes anything and never takes
/// the data directory's `LOCK` (a `flock` held by a running `soud`; taking it, even shared,
/// would keep a `soud` from starting meanwhile). A running daemon may commit during the
/// check: files a commit removed (merged-away segments, superseded deletion files) are then
/// missing, so an index with problems whose manifest changed meanwhile is checked again
/// against the new manifest (up to `attempts` times). Mapped files stay readable after a
/// commit unlinks them. Never throws on damaged data: every finding is a line of the report.
public struct IndexChecker: Sendable {
    /// Why a check could not start (exit status 2).
    public enum UsageError: Error, Sendable, Equatable, CustomStringConvertible {
        case notADirectory(String)
        case notADataDirectory(String)

        public var description: String {
            switch self {
            case .notADirectory(let path): return "\(path): no such directory"
            case .notADataDirectory(let path):
                return "\(path): not a Sou data directory (no LOCK file, no index directory, no MANIFEST)"
            }
        }
    }

    /// How many times an index that a commit changed during the check is checked.
    static let attempts = 3

    /// The data directory, or a single index directory (one holding a `MANIFEST`).
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Checks every index under `path`.
    /// - Throws: `UsageError` if `path` is not a directory or holds neither a data directory's
    ///   `LOCK` nor an index; nothing else (damage is reported).
    /// - Complexity: reads every byte of every file once to checksum it, then decodes every
    ///   postings list and inflates every stored block.
    public func check() throws(UsageError) -> CheckReport {
        guard SystemCalls.isDirectory(path) else { throw .notADirectory(path) }
        var report = CheckReport(dataDirectory: path)
        if SystemCalls.fileExists(path + "/" + Manifest.fileName) {
            let name = path.split(separator: "/").last.map(String.init) ?? path
            report.information.append("\(path) is an index directory: checking the index \(name) alone")
            report.indexes.append(checkIndex(name: name, directory: path))
            return report
        }
        let entries: [String]
        do { entries = try SystemCalls.listDirectory(path).sorted() } catch {
            throw .notADirectory(path)
        }
        let hasLock = entries.contains(DataDirectory.lockFileName)
        var names: [String] = []
        for name in entries where SystemCalls.isDirectory(path + "/" + name) {
            let directory = path + "/" + name
            if name.hasPrefix(".trash-") {
                report.information.append("\(name): a dropped index not yet removed (the next start removes it)")
            } else if !DataDirectory.isValidIndexName(name) {
                report.information.append("\(name): not an index name, ignored")
            } else if SystemCalls.fileExists(directory + "/" + Manifest.fileName)
                || DataDirectory.holdsIndexFiles(directory)
            {
                names.append(name)
            } else {
                report.information.append("\(name): no manifest and no index files, not an index (ignored by soud)")
            }
        }
        guard hasLock || !names.isEmpty else { throw .notADataDirectory(path) }
        if let owner = Self.runningOwner(lockPath: path + "/" + DataDirectory.lockFileName) {
            report.information.append(
                "LOCK names process \(owner), which is running: the index may change during the check "
                    + "(files are read as they are; nothing is locked or written)"
            )
        }
        if names.isEmpty { report.information.append("no indexes") }
        for name in names { report.indexes.append(checkIndex(name: name, directory: path + "/" + name)) }
        return report
    }

    /// The pid written in `LOCK`, if a process with it exists. The lock itself is not
    /// touched: probing it would make a `soud` starting at that moment fail.
    static func runningOwner(lockPath: String) -> Int32? {
        let fd = open(lockPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0,
            let pid = Int32(String(decoding: buffer[0..<count], as: UTF8.self).split(separator: "\n").first ?? ""),
            pid > 0
        else { return nil }
        return kill(pid, 0) == 0 || errno == EPERM ? pid : nil
    }

    /// Checks one index, again if a commit changed its manifest during a check that found problems.
    func checkIndex(name: String, directory: String) -> IndexCheckReport {
        var report = IndexDirectoryChecker(name: name, directory: directory).run()
        var notes: [String] = []
        for _ in 1..<Self.attempts where report.problemCount > 0 {
            let again = IndexDirectoryChecker(name: name, directory: directory).run()
            guard again.generation != report.generation else { break }
            notes.append(
                "the manifest changed during the check (generation \(report.generation.map { String($0) } ?? "?") → "
                    + "\(again.generation.map { String($0) } ?? "?")): checked again"
            )
            report = again
        }
        report.information += notes
        return report
    }
}
