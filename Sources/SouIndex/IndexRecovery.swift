import SouFormat

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What opening an index directory finds on disk, read off the actor (blocking I/O):
/// the manifest, every segment mapped with its structure checked (checksums are verified
/// later, in the background: `SegmentReader.verify`), and the WAL records to replay.
struct IndexRecovery: Sendable {
    struct Segment: Sendable {
        var entry: Manifest.Segment
        var reader: SegmentReader
        var deletions: DeletionBitmap
        /// The deletion file is version 1 (no field statistics): they were counted from the
        /// norms at this open, and the commit at open rewrites the file in version 2 so the
        /// next open does not count them again.
        var upgradeDeletions = false
    }

    struct LogEntry: Sendable {
        var file: String
        var entry: WALReader.Entry
    }

    var manifest: Manifest
    var segments: [Segment]
    /// Records of the live log and the logs after it, in order, up to the first damage.
    var log: [LogEntry]
    /// Log files found, obsolete ones included (all are removed after the first commit).
    var logFiles: [String]
    /// What is wrong with the logs, one sentence per problem (a damaged record ends the
    /// replay; a missing or empty live log does not, there is nothing in it to skip).
    var problems: [String]
    /// Logs with bytes that were not replayed (a torn tail, or damage with possibly valid
    /// records after it): set aside as `<name>.damaged` instead of removed, so nothing
    /// acknowledged is destroyed by the open.
    var damagedLogs: [String] = []
    var ignoredBytes: Int

    /// Reads the index in `directory`.
    ///
    /// Removes files a crash left behind (segments and deletion files no manifest names,
    /// `*.tmp`), then maps every segment (checking headers, trailers, sizes and offsets in O(1)
    /// per file; docs/FORMAT.md §2) and reads the logs from the live one on.
    ///
    /// The live log is `wal-<manifest.nextWALNumber - 1>`: the commit that wrote this
    /// manifest created it, and a log receives records only after the manifest naming it
    /// is in place. A log numbered below it was the live log of an earlier commit; every
    /// record in it is ≤ `checkpointSequence`, so it is not read at all (a crash between
    /// the manifest rename and its unlink leaves it behind; damage in it loses nothing) and
    /// only listed in `logFiles` for removal. Logs from the live one on are replayed in
    /// number order (one numbered `nextWALNumber` exists if a crash came between creating
    /// it and writing its manifest, or if a power loss undid a manifest rename); the first
    /// damage in them ends the replay.
    /// - Throws: `IndexError.corrupt` naming the file if the manifest, a segment file's
    ///   structure or a deletion file fails verification or is missing, or if the manifest is missing but
    ///   segment or log files are there; `IndexError.notFound` if the directory holds nothing.
    static func read(directory: String, name: String) throws -> IndexRecovery {
        guard let manifest = try Manifest.read(directory: directory) else {
            guard DataDirectory.holdsIndexFiles(directory) else { throw IndexError.notFound(name) }
            throw IndexError.corrupt("\(directory)/\(Manifest.fileName): missing, but the directory holds index files")
        }
        let referenced = manifest.referencedFiles
        var logNumbers: [(UInt64, String)] = []
        for file in try SystemCalls.listDirectory(directory) {
            if let number = WALFormat.fileNumber(file) {
                logNumbers.append((number, file))
            } else if !referenced.contains(file) && (file.hasPrefix("seg-") || file.hasSuffix(".tmp")) {
                try SystemCalls.removeFile(directory + "/" + file)
            }
        }
        var segments: [Segment] = []
        for entry in manifest.segments {
            do {
                let reader = try SegmentReader(
                    directory: directory,
                    name: entry.name,
                    files: entry.files,
                    checks: .structure
                )
                guard reader.documentCount == entry.documentCount else {
                    throw FormatError.corrupt(
                        file: "\(directory)/\(entry.name)",
                        reason: "holds \(reader.documentCount) documents, the manifest says \(entry.documentCount)"
                    )
                }
                var deletions = DeletionBitmap(documentCount: entry.documentCount)
                if let file = entry.deletionFile {
                    deletions = try DeletionBitmap(file: MappedFile(path: directory + "/" + file))
                    guard deletions.documentCount == entry.documentCount, deletions.deletedCount == entry.deletedCount
                    else {
                        throw FormatError.corrupt(
                            file: directory + "/" + file,
                            reason: "does not match segment \(entry.name) in the manifest"
                        )
                    }
                }
                let upgrade = deletions.deletedStatistics == nil
                if upgrade { deletions.countDeletedStatistics(norms: reader.norms) }
                if let file = entry.deletionFile, let deleted = deletions.deletedStatistics,
                    let problem = Self.problem(deleted: deleted, of: reader.meta)
                {
                    throw FormatError.corrupt(file: directory + "/" + file, reason: problem)
                }
                segments.append(Segment(entry: entry, reader: reader, deletions: deletions, upgradeDeletions: upgrade))
            } catch FormatError.io(let file, _, ENOENT) {
                throw IndexError.corrupt("\(file): missing, but the manifest names it")
            } catch {
                throw IndexError.wrap(error)
            }
        }
        var recovery = IndexRecovery(
            manifest: manifest,
            segments: segments,
            log: [],
            logFiles: [],
            problems: [],
            ignoredBytes: 0
        )
        // nextWALNumber is at least 1 (a new index: no log yet); 0 is read as the same.
        let live = manifest.nextWALNumber > 0 ? manifest.nextWALNumber - 1 : 0
        // The live log's header was made durable before the manifest naming it: if the log is
        // gone, records acknowledged since the checkpoint may be gone with it. Say so.
        if live >= 1 && !logNumbers.contains(where: { $0.0 == live }) {
            recovery.problems.append(
                "\(directory)/\(WALFormat.fileName(live)): the live log is missing; writes after sequence "
                    + "\(manifest.checkpointSequence) may be lost"
            )
        }
        var damaged = false
        var previous: UInt64 = 0
        for (number, file) in logNumbers.sorted(by: { $0.0 < $1.0 }) {
            let path = directory + "/" + file
            recovery.logFiles.append(file)
            if number < live { continue }  // checkpointed: obsolete, whatever its state
            if damaged {
                let size = SystemCalls.fileSize(path) ?? 0
                recovery.ignoredBytes += size
                if size > 0 { recovery.damagedLogs.append(file) }
                continue
            }
            let contents = try WALReader.read(path: path)
            if number == live && contents.fileLength == 0 {
                // Not a log torn at creation (that can only be one newer than the manifest).
                recovery.problems.append(
                    "\(path): the live log is empty; writes after sequence \(manifest.checkpointSequence) may be lost"
                )
            }
            for entry in contents.entries {
                if entry.sequence <= previous {
                    recovery.problems.append(
                        "\(path): sequence \(entry.sequence) follows \(previous); the rest of the log is ignored"
                    )
                    recovery.damagedLogs.append(file)
                    damaged = true
                    break
                }
                previous = entry.sequence
                recovery.log.append(LogEntry(file: path, entry: entry))
            }
            if let problem = contents.problem {
                recovery.problems.append(problem + "; the rest of the log is ignored")
                recovery.ignoredBytes += contents.fileLength - contents.validLength
                if recovery.damagedLogs.last != file { recovery.damagedLogs.append(file) }
                damaged = true
            }
        }
        return recovery
    }

    /// What is impossible about `deleted`, the statistics of a segment's deleted documents,
    /// given the segment's own totals (`meta`); nil if nothing.
    static func problem(deleted: [FieldStatistics], of meta: SegmentMeta) -> String? {
        guard deleted.count <= meta.fieldStatistics.count else {
            return "statistics for \(deleted.count) fields, the segment has \(meta.fieldStatistics.count)"
        }
        for (field, (gone, total)) in zip(deleted, meta.fieldStatistics).enumerated()
        where gone.totalLength > total.totalLength || gone.documentCount > total.documentCount {
            return "field \(field): deleted documents hold more than the segment (\(gone) of \(total))"
        }
        return nil
    }
}
