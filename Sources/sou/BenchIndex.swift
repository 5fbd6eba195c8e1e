import ArgumentParser
import Foundation
import SouClient

/// `sou bench index FILES…`: indexes through the daemon, as `sou index` does, and reports
/// throughput, time to first searchable, index size and the daemon's peak memory.
///
/// Definitions (docs/SOU_BENCH.md): the clock starts just before the first `ADD` is sent;
/// `seconds` ends when `COMMIT` returns (every document durable and searchable);
/// `first_searchable_seconds` ends when a `GET` of the first acknowledged document, polled
/// every 5 ms on a second connection, first succeeds. Sizes and memory come from `STATS`
/// after the `COMMIT`.
struct BenchIndex: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Index files through the daemon and report docs/s, MB/s, time to first searchable, size, peak RSS.",
        discussion: """
            FILES are read as by `sou index` (.txt/.md: one document each; .jsonl: one per line; folders \
            recursively). --index NAME is created when missing. Measure on an empty index of a freshly \
            started daemon: peak RSS is the daemon's since it started, and a document already in the index \
            is found at once. Reference: docs/SOU_BENCH.md.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Files and folders.") var paths: [String]

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one file or folder, e.g. sou bench index seeds") }
    }

    func run() throws {
        let entries = try IndexFiles.entries(for: paths)
        let connection = try global.connect(creatingIndex: true)
        let before = try Self.stats(connection)
        let documentsBefore = before["documents"] as? Int ?? 0
        if documentsBefore > 0 {
            printError(
                "sou: warning: the index already holds \(documentsBefore) documents; time to first searchable may read 0"
            )
        }

        let started = ContinuousClock.now
        let probe = FirstSearchableProbe(socketPath: global.socketPath, index: global.index, started: started)
        var sender = DocumentSender(connection: connection)
        sender.onFirstAdded = { probe.watch(id: $0) }
        try IndexFiles.send(entries, with: &sender)
        try sender.complete(commit: true)
        let seconds = (ContinuousClock.now - started).seconds
        let (firstSearchable, probeFailure) = probe.finish()
        let after = try Self.stats(connection)
        sender.printFailures()

        var report: [String: Any] = [
            "index": after["index"] as? String ?? global.index ?? "default",
            "documents": sender.added,
            "failed": sender.failures.count,
            "bytes": sender.progress.bytes,
            "seconds": seconds,
            "docs_per_second": Double(sender.added) / max(seconds, 1e-9),
            "mb_per_second": Double(sender.progress.bytes) / 1_048_576 / max(seconds, 1e-9),
            "first_searchable_seconds": firstSearchable.map { $0.seconds as Any } ?? NSNull(),
            "index_documents_before": documentsBefore,
        ]
        for (name, key) in Self.statsReported { report[name] = after[key] as? Int ?? 0 }
        if global.json {
            printJSON(report)
        } else {
            print(Self.text(report))
            if let probeFailure { printError("sou: time to first searchable not measured: \(probeFailure)") }
        }
        if !sender.failures.isEmpty { throw CLIFailure.server("\(sender.failures.count) documents were not added") }
    }

    /// Report members taken from `STATS` after the commit: (report name, `STATS` name).
    static let statsReported = [
        ("index_documents", "documents"), ("index_size_bytes", "bytes_on_disk"), ("wal_bytes", "wal_bytes"),
        ("segments", "segments"), ("merges_running", "merges_running"), ("rss_bytes", "rss_bytes"),
        ("peak_rss_bytes", "peak_rss_bytes"),
    ]

    static func stats(_ connection: SouConnection) throws -> [String: Any] {
        try Reply.check(try Reply.call(connection, "STATS"))["stats"] as? [String: Any] ?? [:]
    }

    /// The human-readable report.
    static func text(_ report: [String: Any]) -> String {
        func int(_ key: String) -> Int { report[key] as? Int ?? 0 }
        func double(_ key: String) -> Double { report[key] as? Double ?? 0 }
        func mebibytes(_ key: String) -> String { String(format: "%.1f MB", Double(int(key)) / 1_048_576) }
        let first =
            (report["first_searchable_seconds"] as? Double).map { String(format: "%.3f s", $0) } ?? "not measured"
        return [
            String(
                format: "indexed %d documents (%d failed), %@ of JSON in %.3f s (until COMMIT returned)",
                int("documents"),
                int("failed"),
                mebibytes("bytes"),
                double("seconds")
            ),
            String(
                format: "throughput        %.0f docs/s  %.2f MB/s",
                double("docs_per_second"),
                double("mb_per_second")
            ),
            "first searchable  \(first)",
            "index size        \(mebibytes("index_size_bytes")) in \(int("segments")) segments "
                + "(\(int("index_documents")) documents; WAL \(mebibytes("wal_bytes")); "
                + "\(int("merges_running")) merges running)",
            "daemon memory     peak RSS \(mebibytes("peak_rss_bytes")), RSS now \(mebibytes("rss_bytes"))",
        ].joined(separator: "\n")
    }
}
