// swift-tools-version: 6.1
import Foundation
import PackageDescription

// The benchmarks are a package of their own so that `swift test` at the root never builds
// ordo-one/benchmark. The root is a path dependency, and SwiftPM names a path dependency
// after its folder (`wt-bench`, `sou`, a CI checkout's folder…), so the identity used in
// `.product(package:)` is read from where this manifest sits rather than written down.
let rootPackage = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent

func sou(_ product: String) -> Target.Dependency { .product(name: product, package: rootPackage) }

let benchmark: Target.Dependency = .product(name: "Benchmark", package: "benchmark")
let benchmarkPlugin: Target.PluginUsage = .plugin(name: "BenchmarkPlugin", package: "benchmark")

let package = Package(
    name: "SouBenchmarks",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sou-corpus", targets: ["sou-corpus"]),
        .executable(name: "sou-inprocess", targets: ["sou-inprocess"]),
    ],
    dependencies: [
        .package(path: ".."),
        // MallocInterposer: the default trait pulls a package the offline mirror lacks
        // (../shared/TOOLCHAIN.md); malloc counting works with it.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The deterministic corpus generator and query sampler (only SplitMix64 from Sou).
        .target(name: "SouCorpus", dependencies: [sou("SouRandom")]),
        .executableTarget(name: "sou-corpus", dependencies: ["SouCorpus"]),
        // Fixtures the benchmarks share: generated corpora as Sou documents, segments on disk.
        .target(
            name: "BenchmarkSupport",
            dependencies: ["SouCorpus", sou("SouDocument"), sou("SouFormat"), sou("SouIndex"), sou("SouQuery")]
        ),
        .executableTarget(
            name: "sou-inprocess",
            dependencies: ["SouCorpus", sou("SouDocument"), sou("SouIndex"), sou("SouQuery"), sou("SouFormat")]
        ),
        .executableTarget(
            name: "Analysis",
            dependencies: [benchmark, "BenchmarkSupport", "SouCorpus", sou("SouAnalysis")],
            path: "Benchmarks/Analysis",
            plugins: [benchmarkPlugin]
        ),
        .executableTarget(
            name: "Codecs",
            dependencies: [
                benchmark, "BenchmarkSupport", "SouCorpus", sou("SouDocument"), sou("SouFormat"), sou("SouIndex"),
            ],
            path: "Benchmarks/Codecs",
            plugins: [benchmarkPlugin]
        ),
        .executableTarget(
            name: "QueryPath",
            dependencies: [
                benchmark, "BenchmarkSupport", "SouCorpus", sou("SouFormat"), sou("SouIndex"), sou("SouQuery"),
            ],
            path: "Benchmarks/QueryPath",
            plugins: [benchmarkPlugin]
        ),
        .executableTarget(
            name: "IndexThroughput",
            dependencies: [benchmark, "BenchmarkSupport", "SouCorpus", sou("SouFormat"), sou("SouIndex")],
            path: "Benchmarks/IndexThroughput",
            plugins: [benchmarkPlugin]
        ),
    ]
)
