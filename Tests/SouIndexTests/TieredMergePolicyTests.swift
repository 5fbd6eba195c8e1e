import SouTestSupport
import Testing

@testable import SouIndex

@Suite struct TieredMergePolicyTests {
    static let mib = 1 << 20

    func segments(_ sizes: [Int], deleted: [Int: Int] = [:]) -> [MergeCandidate] {
        sizes.enumerated().map { index, size in
            MergeCandidate(name: "s\(index)", byteSize: size, documentCount: 1000, deletedCount: deleted[index] ?? 0)
        }
    }

    @Test func fewSegmentsNeedNoMerge() {
        let policy = TieredMergePolicy()
        #expect(
            policy.findMerges(segments: segments(Array(repeating: Self.mib, count: 9)), merging: [], runningMerges: 0)
                .isEmpty
        )
        #expect(policy.findMerges(segments: [], merging: [], runningMerges: 0).isEmpty)
    }

    @Test func manySmallSegmentsMergeAtMostMaxAtOnce() throws {
        let policy = TieredMergePolicy(settings: .init(maxConcurrentMerges: 3))
        let input = segments(Array(repeating: 100_000, count: 35))
        let merges = policy.findMerges(segments: input, merging: [], runningMerges: 0)
        #expect(!merges.isEmpty)
        #expect(merges.count <= 3)
        var seen = Set<String>()
        for merge in merges {
            #expect(merge.count >= 2 && merge.count <= 10)
            for name in merge { #expect(seen.insert(name).inserted, "segment in two merges") }
        }
    }

    @Test func segmentsBeingMergedAreNeverChosen() {
        let policy = TieredMergePolicy(settings: .init(maxConcurrentMerges: 4))
        let input = segments(Array(repeating: 100_000, count: 40))
        let merging: Set<String> = Set((0..<10).map { "s\($0)" })
        let merges = policy.findMerges(segments: input, merging: merging, runningMerges: 1)
        #expect(merges.count <= 3)
        #expect(merges.allSatisfy { $0.allSatisfy { !merging.contains($0) } })
        #expect(policy.findMerges(segments: input, merging: merging, runningMerges: 4).isEmpty)
    }

    @Test func maxMergedSizeIsRespected() {
        let policy = TieredMergePolicy(
            settings: .init(segmentsPerTier: 2, maxMergeAtOnce: 10, maxMergedSegmentBytes: 10 * Self.mib)
        )
        let input = segments([9, 9, 9, 4, 4, 1, 1, 1].map { $0 * Self.mib })
        for merge in policy.findMerges(segments: input, merging: [], runningMerges: 0) {
            let bytes = input.filter { merge.contains($0.name) }.reduce(0) { $0 + $1.liveBytes }
            #expect(bytes <= 10 * Self.mib)
        }
    }

    @Test func segmentWithManyDeletesIsRewritten() {
        let policy = TieredMergePolicy()
        let input = segments([50, 40, 30].map { $0 * Self.mib }, deleted: [1: 600])
        #expect(policy.findMerges(segments: input, merging: [], runningMerges: 0) == [["s1"]])
        let fewDeletes = segments([50, 40, 30].map { $0 * Self.mib }, deleted: [1: 100])
        #expect(policy.findMerges(segments: fewDeletes, merging: [], runningMerges: 0).isEmpty)
    }

    /// Simulated ingest: a small segment per refresh, merges done at once. The segment count
    /// stays logarithmic and total bytes are conserved.
    @Test func segmentCountStaysBoundedUnderIngest() {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("TieredMergePolicyTests seed", seed)
        var random = SplitMix64(seed: seed)
        let policy = TieredMergePolicy()
        var live: [MergeCandidate] = []
        var next = 0
        var total = 0
        var mostSegments = 0
        for _ in 0..<3000 {
            let size = Int.random(in: 10_000...400_000, using: &random)
            total += size
            live.append(MergeCandidate(name: "n\(next)", byteSize: size, documentCount: 100, deletedCount: 0))
            next += 1
            for merge in policy.findMerges(segments: live, merging: [], runningMerges: 0) {
                let inputs = live.filter { merge.contains($0.name) }
                live.removeAll { merge.contains($0.name) }
                live.append(
                    MergeCandidate(
                        name: "n\(next)",
                        byteSize: inputs.reduce(0) { $0 + $1.byteSize },
                        documentCount: inputs.reduce(0) { $0 + $1.documentCount },
                        deletedCount: 0
                    )
                )
                next += 1
            }
            mostSegments = max(mostSegments, live.count)
        }
        #expect(live.reduce(0) { $0 + $1.byteSize } == total)
        #expect(mostSegments <= 40, "segments grew to \(mostSegments)")
        #expect(live.count <= policy.allowedSegmentCount(totalBytes: total) + 1)
    }
}
