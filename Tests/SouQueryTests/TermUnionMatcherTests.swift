import SouTestSupport
import Testing

@testable import SouQuery

/// The in-place merge that builds a union's positions (a lone CJK character's bigrams and
/// unigram, or a prefix's terms) equals sorting the concatenation.
@Suite(.offCooperativePool) struct TermUnionMatcherTests {
    @Test func mergeSortedEqualsSortingTheConcatenation() {
        let seed: UInt64 = 0x3E5E
        print("TermUnionMatcherTests seed", seed)
        var random = SplitMix64(seed: seed)
        var buffer: [UInt32] = []
        for round in 0..<2_000 {
            buffer.removeAll(keepingCapacity: true)
            var all: [UInt32] = []
            for _ in 0..<Int(random.next() % 5) {
                // Lists from different terms never share a position; keep them disjoint.
                let list = (0..<Int(random.next() % 9)).map { _ in UInt32(random.next() % 200) }
                let fresh = Array(Set(list).subtracting(all)).sorted()
                TermUnionMatcher.mergeSorted(fresh, into: &buffer)
                all += fresh
            }
            #expect(buffer == all.sorted(), "round \(round)")
        }
    }
}
