#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Merges segments of about equal size, a tier at a time (after Lucene's TieredMergePolicy).
///
/// The index may hold about `segmentsPerTier` segments per size tier; tiers grow by a factor
/// of `maxMergeAtOnce`, starting at `floorSegmentBytes` (smaller segments count as that size,
/// so many tiny segments are merged eagerly). When there are more segments than that
/// budget, the policy picks, among windows of up to `maxMergeAtOnce` segments adjacent in
/// size order, the one with the lowest score: balanced sizes (skew), a small result, and
/// many deleted documents are preferred. A segment whose deleted fraction exceeds
/// `deletesPercentAllowed` is rewritten on its own (dropping its deleted documents) when
/// no other merge claims it. A result never exceeds `maxMergedSegmentBytes`.
public struct TieredMergePolicy: MergePolicy {
    /// The knobs, all in the daemon's configuration (`[merge]` in soud.toml).
    public struct Settings: Sendable, Equatable, Codable {
        /// Segments allowed per size tier before a merge is due.
        public var segmentsPerTier: Int
        /// Most segments merged into one at once; also the growth factor between tiers.
        public var maxMergeAtOnce: Int
        /// Segments smaller than this count as this size (merge tiny segments eagerly).
        public var floorSegmentBytes: Int
        /// A merge never produces a segment larger than this (estimated from live bytes).
        public var maxMergedSegmentBytes: Int
        /// A segment with more deleted documents than this percentage is rewritten.
        public var deletesPercentAllowed: Double
        /// Merges that may run at the same time (each on its own thread).
        public var maxConcurrentMerges: Int
        /// Bytes per second a merge may write, 0 for no limit (`MergeThrottle`).
        public var maxMergeBytesPerSecond: Int

        public init(
            segmentsPerTier: Int = 10,
            maxMergeAtOnce: Int = 10,
            floorSegmentBytes: Int = 2 << 20,
            maxMergedSegmentBytes: Int = 5 << 30,
            deletesPercentAllowed: Double = 20,
            maxConcurrentMerges: Int = 1,
            maxMergeBytesPerSecond: Int = 0
        ) {
            self.segmentsPerTier = max(2, segmentsPerTier)
            self.maxMergeAtOnce = max(2, maxMergeAtOnce)
            self.floorSegmentBytes = max(1, floorSegmentBytes)
            self.maxMergedSegmentBytes = max(1, maxMergedSegmentBytes)
            self.deletesPercentAllowed = min(100, max(0, deletesPercentAllowed))
            self.maxConcurrentMerges = max(1, maxConcurrentMerges)
            self.maxMergeBytesPerSecond = max(0, maxMergeBytesPerSecond)
        }
    }

    public var settings: Settings

    public init(settings: Settings = .init()) {
        self.settings = settings
    }

    public func findMerges(segments: [MergeCandidate], merging: Set<String>, runningMerges: Int) -> [[String]] {
        var slots = settings.maxConcurrentMerges - runningMerges
        guard slots > 0 else { return [] }
        var eligible = segments.filter { !merging.contains($0.name) }
            .sorted { ($0.liveBytes, $1.name) > ($1.liveBytes, $0.name) }
        var merges: [[String]] = []
        // Every segment, merging or not, counts toward the budget; a running or chosen merge's
        // inputs count as the one segment it will produce.
        let total = segments.reduce(0) { $0 + floored($1.liveBytes) }
        let allowed = allowedSegmentCount(totalBytes: total)
        var segmentCount = eligible.count + max(runningMerges, merging.isEmpty ? 0 : 1)

        while slots > 0, segmentCount > allowed, let best = bestMerge(in: eligible) {
            merges.append(best.map(\.name))
            let chosen = Set(best.map(\.name))
            eligible.removeAll { chosen.contains($0.name) }
            segmentCount -= best.count - 1
            slots -= 1
        }
        // Rewrite segments with too many deletes, most deleted first.
        let limit = settings.deletesPercentAllowed / 100
        for candidate in eligible.sorted(by: { $0.deletedRatio > $1.deletedRatio }) where slots > 0 {
            guard candidate.deletedRatio > limit else { break }
            merges.append([candidate.name])
            slots -= 1
        }
        return merges
    }

    /// How many segments an index of `totalBytes` may hold: `segmentsPerTier` per tier.
    func allowedSegmentCount(totalBytes: Int) -> Int {
        var levelSize = Double(settings.floorSegmentBytes)
        var remaining = Double(totalBytes)
        var allowed = 0.0
        while true {
            let count = remaining / levelSize
            if count < Double(settings.segmentsPerTier) {
                allowed += count.rounded(.up)
                break
            }
            allowed += Double(settings.segmentsPerTier)
            remaining -= Double(settings.segmentsPerTier) * levelSize
            levelSize *= Double(settings.maxMergeAtOnce)
        }
        return max(Int(allowed), settings.segmentsPerTier)
    }

    /// The best window (lowest score) of `sorted` (largest first), or nil if none has two segments.
    private func bestMerge(in sorted: [MergeCandidate]) -> [MergeCandidate]? {
        var best: (score: Double, merge: [MergeCandidate])?
        for start in sorted.indices {
            var merge: [MergeCandidate] = []
            var bytes = 0
            for candidate in sorted[start...] where merge.count < settings.maxMergeAtOnce {
                if bytes + candidate.liveBytes > settings.maxMergedSegmentBytes { continue }
                merge.append(candidate)
                bytes += candidate.liveBytes
            }
            guard merge.count >= 2 else { continue }
            let score = self.score(merge)
            if best == nil || score < best!.score { best = (score, merge) }
        }
        return best?.merge
    }

    /// Lower is better: skew (largest over total, floored) × size^0.05 × live ratio².
    private func score(_ merge: [MergeCandidate]) -> Double {
        let flooredTotal = merge.reduce(0) { $0 + floored($1.liveBytes) }
        let largest = merge.map { floored($0.liveBytes) }.max() ?? 0
        let skew = Double(largest) / Double(max(1, flooredTotal))
        let live = merge.reduce(0) { $0 + $1.liveBytes }
        let raw = merge.reduce(0) { $0 + $1.byteSize }
        let liveRatio = raw == 0 ? 1 : Double(live) / Double(raw)
        return skew * pow(Double(max(1, live)), 0.05) * liveRatio * liveRatio
    }

    private func floored(_ bytes: Int) -> Int { max(bytes, settings.floorSegmentBytes) }
}
