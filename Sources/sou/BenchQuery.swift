import ArgumentParser
import Foundation

/// `sou bench query`: runs SEARCH requests over several pipelined connections for a while
/// and reports QPS and latency percentiles (docs/SOU_BENCH.md).
struct BenchQuery: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run queries for a while; report QPS, p50/p90/p99/p99.9 latency and errors.",
        discussion: """
            Give --queries FILE (one query per line; blank lines skipped) or --generate N (N queries of 1-4 \
            CJK characters or words taken from up to 100 stored documents, chosen by --seed). Each request is \
            SEARCH limit=L snippet=on|off -- QUERY. Latency runs from writing a request to reading its whole \
            reply. Exit status 4 when any query got an error. Reference: docs/SOU_BENCH.md.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "A file of queries, one per line.") var queries: String?
    @Option(help: "Generate this many queries from the index's documents.") var generate: Int?
    @Option(help: "Seed of --generate (the same seed and index give the same queries).") var seed: UInt64 = 1
    @Option(help: "Write the generated queries to this file (reuse them with --queries).") var saveQueries: String?
    @Option(help: "Concurrent connections.") var connections = 4
    @Option(help: "Requests in flight on each connection (pipelining).") var depth = 1
    @Option(help: "How long to send queries, in seconds.") var duration = 10.0
    @Option(help: "Hits per query (SEARCH limit=).") var limit = 10
    @Flag(help: "Ask for no snippets (snippet=off).") var noSnippet = false

    func validate() throws {
        if (queries == nil) == (generate == nil) {
            throw ValidationError("give either --queries FILE or --generate N")
        }
        if let generate, generate < 1 { throw ValidationError("--generate must be at least 1") }
        if saveQueries != nil && generate == nil { throw ValidationError("--save-queries goes with --generate") }
        if connections < 1 { throw ValidationError("--connections must be at least 1") }
        if depth < 1 { throw ValidationError("--depth must be at least 1") }
        if !(duration > 0 && duration <= 86_400) {
            throw ValidationError("--duration must be between 0 and 86400 seconds")
        }
        if limit < 0 { throw ValidationError("--limit must not be negative") }
    }

    func run() throws {
        let texts = try queryTexts()
        let prefix = "SEARCH limit=\(limit) snippet=\(noSnippet ? "off" : "on") -- "
        let runner = LoadRunner(
            socketPath: global.socketPath,
            index: global.index,
            requests: texts.map { prefix + $0 },
            connections: connections,
            depth: depth,
            duration: .nanoseconds(Int64(duration * 1e9))
        )
        let showProgress = isatty(2) == 1
        let outcome = try runner.run { elapsed, live in
            guard showProgress else { return }
            let completed = live.completed.load(ordering: .relaxed)
            let line = String(
                format: "%.1f/%.1f s  %d queries  %.0f q/s  %d errors",
                elapsed.seconds,
                duration,
                completed,
                Double(completed) / max(elapsed.seconds, 1e-3),
                live.errors.load(ordering: .relaxed)
            )
            try? FileHandle.standardError.write(contentsOf: Data("\r\u{1B}[K\(line)".utf8))
        }
        if showProgress { try? FileHandle.standardError.write(contentsOf: Data("\r\u{1B}[K".utf8)) }

        let report = report(outcome, distinctQueries: Set(texts).count)
        if global.json {
            printJSON(report)
        } else {
            print(Self.text(report))
        }
        if let failure = outcome.failure { throw CLIFailure.unreachable(failure) }
        if outcome.errors > 0 {
            let codes = outcome.errorCodes.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }
            throw CLIFailure.server(
                "\(outcome.errors) of \(outcome.completed) queries failed: \(codes.joined(separator: ", "))"
            )
        }
    }

    /// The queries to run: the file's lines, or generated from the index.
    func queryTexts() throws -> [String] {
        if let queries {
            let data: Data
            do {
                data = try InputFile.contents(queries)
            } catch {
                throw CLIFailure.usage("\(queries): cannot read: \(InputFile.reason(error))")
            }
            let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if lines.isEmpty { throw CLIFailure.usage("\(queries): no queries (one per line)") }
            return lines
        }
        let connection = try global.connect()
        var generator = QueryGenerator(seed: seed)
        let generated = generator.queries(count: generate ?? 1, from: try QueryGenerator.sampleTexts(connection))
        connection.close()
        if let saveQueries {
            do {
                try Data(generated.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: saveQueries))
            } catch {
                throw CLIFailure.usage("\(saveQueries): cannot write: \(InputFile.reason(error))")
            }
        }
        return generated
    }

    /// The report as one JSON-ready object (docs/SOU_BENCH.md lists the members).
    func report(_ outcome: LoadRunner.Outcome, distinctQueries: Int) -> [String: Any] {
        let seconds = max(outcome.elapsed.seconds, 1e-9)
        var latency: [String: Double] = [:]
        for (name, milliseconds) in outcome.latency.summary { latency[name] = milliseconds }
        return [
            "queries": outcome.completed,
            "errors": outcome.errors,
            "error_codes": outcome.errorCodes,
            "seconds": seconds,
            "qps": Double(outcome.completed) / seconds,
            "latency_ms": latency,
            "connections": connections,
            "depth": depth,
            "limit": limit,
            "snippets": !noSnippet,
            "source": queries == nil ? "generate" : "file",
            "distinct_queries": distinctQueries,
        ]
    }

    /// The human-readable report.
    static func text(_ report: [String: Any]) -> String {
        let latency = report["latency_ms"] as? [String: Double] ?? [:]
        let percentiles = LatencyRecorder.names.map { name in
            String(format: "%@ %.3f", name.replacingOccurrences(of: "_", with: "."), latency[name] ?? 0)
        }
        let codes = (report["error_codes"] as? [String: Int] ?? [:]).sorted { $0.key < $1.key }
            .map { " \($0.key) ×\($0.value)" }.joined()
        return [
            String(
                format: "%d queries in %.2f s: %.1f queries/s over %d connections × %d in flight",
                report["queries"] as? Int ?? 0,
                report["seconds"] as? Double ?? 0,
                report["qps"] as? Double ?? 0,
                report["connections"] as? Int ?? 0,
                report["depth"] as? Int ?? 0
            ),
            "latency ms  " + percentiles.joined(separator: "  "),
            "errors      \(report["errors"] as? Int ?? 0)\(codes)",
            "queries     \(report["distinct_queries"] as? Int ?? 0) distinct (\(report["source"] as? String ?? "")), "
                + "limit \(report["limit"] as? Int ?? 0), snippets \(report["snippets"] as? Bool == true ? "on" : "off")",
        ].joined(separator: "\n")
    }
}
