// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Sou",
    // Linux only: several files import only Glibc (mmap, fsync, SO_PEERCRED, signals) and
    // SouAnalysis links the toolchain's private _FoundationICU for NFKC_Casefold. No macOS or
    // other platform is claimed because none is built or tested (README, "Requirements").
    products: [
        .executable(name: "soud", targets: ["soud"]),
        .executable(name: "sou", targets: ["sou"]),
        // SouDocument, SouAnalysis and SouFormat are products for Benchmarks/ (fixtures,
        // analysis and codec benchmarks).
        .library(name: "SouDocument", targets: ["SouDocument"]),
        .library(name: "SouRandom", targets: ["SouRandom"]),
        .library(name: "SouAnalysis", targets: ["SouAnalysis"]),
        .library(name: "SouFormat", targets: ["SouFormat"]),
        .library(name: "SouIndex", targets: ["SouIndex"]),
        .library(name: "SouQuery", targets: ["SouQuery"]),
        .library(name: "SouServer", targets: ["SouServer"]),
        .library(name: "SouClient", targets: ["SouClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // glibc's allocator controls (mallopt, malloc_trim): no library to link, a header.
        .systemLibrary(name: "CMalloc"),
        // The data model every layer shares: Document and the document-id rules.
        .target(name: "SouDocument"),
        // SplitMix64, the one seeded generator of tests, `sou bench` and Benchmarks/.
        .target(name: "SouRandom"),
        .target(name: "SouAnalysis", linkerSettings: [.linkedLibrary("_FoundationICU")]),
        .target(name: "SouFormat", dependencies: ["CZlib", "SouDocument"]),
        .target(name: "SouIndex", dependencies: ["CMalloc", "SouAnalysis", "SouDocument", "SouFormat"]),
        .target(name: "SouQuery", dependencies: ["SouAnalysis", "SouDocument", "SouFormat", "SouIndex"]),
        .target(name: "SouProtocol", dependencies: ["SouDocument"]),
        .target(
            name: "SouServer",
            dependencies: [
                "SouDocument", "SouQuery", "SouIndex", "SouProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        // Plain blocking POSIX sockets: simplest for a CLI and for tests.
        .target(name: "SouClient"),
        .target(
            name: "SouTestSupport",
            dependencies: ["SouAnalysis", "SouDocument", "SouFormat", "SouIndex", "SouClient", "SouRandom"]
        ),
        .executableTarget(
            name: "soud",
            dependencies: [
                "SouServer",
                // `soud --check`: IndexChecker, offline.
                "SouIndex",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "sou",
            dependencies: [
                "SouClient", "SouProtocol", "SouRandom",
                // `sou check`: the offline checker runs in this process, on the files.
                "SouIndex",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // `sou bench query` latency percentiles.
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .testTarget(name: "SouAnalysisTests", dependencies: ["SouAnalysis", "SouTestSupport"]),
        .testTarget(name: "SouFormatTests", dependencies: ["SouDocument", "SouFormat", "SouRandom", "SouTestSupport"]),
        .testTarget(
            name: "SouIndexTests",
            dependencies: ["SouDocument", "SouFormat", "SouIndex", "SouRandom", "SouTestSupport"]
        ),
        .testTarget(
            name: "SouQueryTests",
            dependencies: ["SouAnalysis", "SouDocument", "SouFormat", "SouIndex", "SouQuery", "SouTestSupport"]
        ),
        .testTarget(name: "SouProtocolTests", dependencies: ["SouProtocol"]),
        .testTarget(
            name: "SouServerTests",
            dependencies: [
                "SouServer", "SouIndex", "SouProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "IntegrationTests", dependencies: ["SouTestSupport", "SouClient"]),
        // kill -9 of a real soud during ingest (needs the soud executable built).
        .testTarget(name: "CrashTests", dependencies: ["SouTestSupport"]),
        .testTarget(
            name: "OracleTests",
            dependencies: ["SouAnalysis", "SouDocument", "SouFormat", "SouIndex", "SouQuery", "SouTestSupport"]
        ),
    ]
)
