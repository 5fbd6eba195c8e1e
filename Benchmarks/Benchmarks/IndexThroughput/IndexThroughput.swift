import Benchmark
import BenchmarkSupport
import Foundation
import SouCorpus
import SouIndex

/// Indexing throughput: building one segment from documents in memory (analysis, inversion,
/// postings/dictionary/stored-fields encoding, writing the files) and merging 10 segments into one.
/// `docs/s` and `KB/s` (1,000 bytes of field text) are custom metrics, one value per iteration.
let benchmarks: @Sendable () -> Void = {
    let docsPerSecond = BenchmarkMetric.custom("docs/s", polarity: .prefersLarger, useScalingFactor: false)
    let kilobytesPerSecond = BenchmarkMetric.custom("KB/s", polarity: .prefersLarger, useScalingFactor: false)
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident, docsPerSecond, kilobytesPerSecond],
        warmupIterations: 1,
        maxDuration: .seconds(8),
        maxIterations: 5
    )

    for kind in [CorpusKind.chinese, .english] {
        let documents = Fixtures.documents(kind, bytes: 4 << 20)
        let bytes = Fixtures.textBytes(documents)
        Benchmark("Segment build 4 MiB \(kind.rawValue) (\(documents.count) docs)") { benchmark in
            let directory = Fixtures.temporaryDirectory("build")
            defer { Fixtures.removeDirectory(directory) }
            let clock = ContinuousClock()
            let start = clock.now
            var builder = SegmentBuilder()
            for document in documents { try builder.add(document) }
            blackHole(try builder.write(to: directory, name: "seg"))
            let seconds = elapsedSeconds(clock.now - start)
            benchmark.measurement(docsPerSecond, Int(Double(documents.count) / seconds))
            benchmark.measurement(kilobytesPerSecond, Int(Double(bytes) / 1_000 / seconds))
        }
    }

    // Merge: 10 segments of 400 KiB of mixed text each into one, as background merging does.
    let mergeInputs = Fixtures.documents(.mixed, bytes: 4 << 20)
    let mergeBytes = Fixtures.textBytes(mergeInputs)
    let (inputDirectory, views) = try! Fixtures.segments(mergeInputs, count: 10, label: "merge-inputs")
    Fixtures.removeDirectory(inputDirectory)
    Benchmark("Merge 10 segments, 4 MiB mixed (\(mergeInputs.count) docs)") { benchmark in
        let directory = Fixtures.temporaryDirectory("merge")
        defer { Fixtures.removeDirectory(directory) }
        let clock = ContinuousClock()
        let start = clock.now
        blackHole(try Merger.merge(views, into: directory, name: "merged"))
        let seconds = elapsedSeconds(clock.now - start)
        benchmark.measurement(docsPerSecond, Int(Double(mergeInputs.count) / seconds))
        benchmark.measurement(kilobytesPerSecond, Int(Double(mergeBytes) / 1_000 / seconds))
    }
}

func elapsedSeconds(_ duration: Duration) -> Double {
    max(Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18, 1e-9)
}
