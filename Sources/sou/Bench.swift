import ArgumentParser

/// `sou bench`: measures a running daemon on the user's own data (docs/SOU_BENCH.md).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure indexing throughput and query latency through the daemon.",
        discussion: """
            sou bench index FILES…   docs/s, MB/s, time to first searchable, index size, daemon peak RSS.
            sou bench query …         QPS and p50/p90/p99/p99.9 latency over C connections × D pipelined requests.
            Reference: docs/SOU_BENCH.md.
            """,
        subcommands: [BenchIndex.self, BenchQuery.self]
    )
}
