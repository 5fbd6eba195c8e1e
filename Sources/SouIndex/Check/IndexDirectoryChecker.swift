import SouFormat

/// Checks one index directory: its manifest, its segments (`SegmentChecker`), the files the
/// manifest does not name, and its logs (docs/FORMAT.md "Index directory layout", §9, §10).
struct IndexDirectoryChecker {
    let name: String
    let directory: String

    func run() -> IndexCheckReport {
        var report = IndexCheckReport(name: name, directory: directory)
        let manifestPath = directory + "/" + Manifest.fileName
        guard SystemCalls.fileExists(manifestPath) else {
            report.problems.append("\(Manifest.fileName): missing, but the directory holds index files")
            return report
        }
        let manifest: Manifest
        do {
            let file = try MappedFile(path: manifestPath)
            manifest = try Manifest.decode(file.bytes, file: Manifest.fileName)
        } catch {
            report.problems.append("\(error)")
            return report
        }
        report.generation = manifest.generation
        report.checkpointSequence = manifest.checkpointSequence
        let files = (try? SystemCalls.listDirectory(directory).sorted()) ?? []
        classify(files, manifest: manifest, into: &report)
        for entry in manifest.segments {
            var checker = SegmentChecker(directory: directory, entry: entry)
            let (segment, warnings) = checker.run()
            report.segments.append(segment)
            report.warnings += warnings
        }
        return report
    }

    /// Sorts the directory's files: logs (read), files the manifest names (checked with
    /// their segment), and the rest (warnings: orphans the next open removes, or strangers).
    private func classify(_ files: [String], manifest: Manifest, into report: inout IndexCheckReport) {
        let referenced = manifest.referencedFiles
        // The live log is wal-<nextWALNumber − 1>; one numbered nextWALNumber may exist too
        // (a commit between creating it and writing its manifest). Before the first open
        // (nextWALNumber 1) there is none.
        let liveNumber = manifest.nextWALNumber &- 1
        for file in files where file != Manifest.fileName && !referenced.contains(file) {
            if let number = WALFormat.fileNumber(file) {
                report.logs.append(readLog(file, role: number >= liveNumber ? .live : .obsolete, &report.problems))
                if number < liveNumber {
                    report.warnings.append(
                        "\(file): an obsolete log (all of it is in the segments); the next open removes it"
                    )
                }
            } else if file.hasSuffix(".log.damaged") {
                report.logs.append(readLog(file, role: .damaged, &report.problems))
            } else if file.hasSuffix(".tmp") {
                report.warnings.append("\(file): a file being written, or left by a crash; the next open removes it")
            } else if file.hasPrefix("seg-") {
                report.warnings.append("\(file): orphan file, the manifest does not name it; the next open removes it")
            } else {
                report.warnings.append("\(file): not a Sou file, the manifest does not name it")
            }
        }
        if liveNumber >= 1 && !files.contains(WALFormat.fileName(liveNumber)) {
            report.warnings.append(
                "\(WALFormat.fileName(liveNumber)): the live log is missing; writes acknowledged after sequence "
                    + "\(manifest.checkpointSequence) may be lost (an open reports the same)"
            )
        }
    }

    /// Reads a log as replay would. Damage in records is information (replay stops there and
    /// keeps the file as `.damaged`); a damaged header of the live log refuses the index.
    private func readLog(_ file: String, role: LogCheckReport.Role, _ problems: inout [String]) -> LogCheckReport {
        var log = LogCheckReport(file: file, role: role)
        do {
            let contents = try WALReader.read(path: directory + "/" + file)
            log.recordCount = contents.entries.count
            log.lastSequence = contents.entries.last?.sequence
            log.validBytes = contents.validLength
            log.fileBytes = contents.fileLength
            log.damage = contents.problem
        } catch {
            log.damage = "\(error)"
            if role == .live {
                problems.append("\(error) (a live log's header is written durably first: soud refuses the index)")
            }
        }
        return log
    }
}
