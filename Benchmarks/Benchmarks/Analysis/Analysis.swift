import Benchmark
import BenchmarkSupport
import SouAnalysis
import SouCorpus

/// Analysis speed: normalize + segment + tokenize, as indexing runs it on every field value
/// (`TokenStream`) and as snippets run it (`Analyzer.tokens`, a `String` per token).
/// Each iteration analyzes about 1 MiB of generated text; `KB/s` (1,000 bytes) is a custom metric, and
/// `throughput` (iterations/s) reads as MiB/s too.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [
            .wallClock, .throughput, .mallocCountTotal,
            .custom("KB/s", polarity: .prefersLarger, useScalingFactor: false),
        ],
        warmupIterations: 1,
        maxDuration: .seconds(2),
        maxIterations: 50
    )
    let analyzer = Analyzer()
    for kind in CorpusKind.allCases {
        let texts = Fixtures.texts(Fixtures.documents(kind, bytes: 1 << 20))
        let bytes = texts.reduce(0) { $0 + $1.utf8.count }
        Benchmark("Analyze 1 MiB \(kind.rawValue)") { benchmark in
            let clock = ContinuousClock()
            let start = clock.now
            var tokens = 0
            for text in texts { tokens &+= analyzer.tokens(text).count }
            let elapsed = clock.now - start
            blackHole(tokens)
            benchmark.measurement(
                .custom("KB/s", polarity: .prefersLarger, useScalingFactor: false),
                kilobytesPerSecond(bytes, elapsed)
            )
        }
        // What indexing runs: the byte-level stream, terms as byte views, buffers reused.
        Benchmark("TokenStream 1 MiB \(kind.rawValue)") { benchmark in
            var stream = TokenStream()
            let clock = ContinuousClock()
            let start = clock.now
            var tokens = 0
            for text in texts { stream.forEachToken(in: text) { tokens &+= $0.term.count } }
            let elapsed = clock.now - start
            blackHole(tokens)
            benchmark.measurement(
                .custom("KB/s", polarity: .prefersLarger, useScalingFactor: false),
                kilobytesPerSecond(bytes, elapsed)
            )
        }
    }
}

func kilobytesPerSecond(_ bytes: Int, _ elapsed: Duration) -> Int {
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return Int((Double(bytes) / 1_000 / max(seconds, 1e-9)).rounded())
}
