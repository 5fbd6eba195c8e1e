import SouFormat

/// Documents where every slot occurs at its relative position: `slots[i]` at `p + offsets[i]`
/// for some `p`. Used for quoted phrases, multi-token words (`www.dtnews.cn`) and CJK
/// substrings (consecutive bigrams). Scored with BM25 on the phrase frequency.
final class PhraseMatcher: Matcher {
    private let slots: [any PositionedMatcher]
    private let offsets: [UInt32]
    private let weight: BM25Weight
    private let norms: FieldNormsReader
    private let field: Int
    private let deadline: QueryDeadline
    private var buffers: [[UInt32]]
    private var scanIndices: [Int]
    private var phraseFrequency: UInt32 = 0
    private(set) var doc: UInt32 = noMoreDocs
    let cost: Int

    /// - Parameters:
    ///   - slots: one matcher per slot; at least two.
    ///   - offsets: each slot's position relative to the first slot's (the first is 0).
    ///   - deadline: ticked per candidate document and leapfrog step: slots that co-occur in
    ///     many documents but never in place yield no match for a long time. Once it has
    ///     expired the matcher ends (`noMoreDocs`).
    init(
        slots: [any PositionedMatcher],
        offsets: [UInt32],
        weight: BM25Weight,
        norms: FieldNormsReader,
        field: Int,
        deadline: QueryDeadline
    ) {
        self.deadline = deadline
        self.slots = slots
        self.offsets = offsets
        self.weight = weight
        self.norms = norms
        self.field = field
        buffers = Array(repeating: [], count: slots.count)
        scanIndices = Array(repeating: 0, count: slots.count)
        cost = slots.map(\.cost).min() ?? 0
        doc = settle(on: slots.map(\.doc).max() ?? noMoreDocs)
    }

    func next() -> UInt32 {
        guard doc != noMoreDocs else { return doc }
        doc = settle(on: doc + 1)
        return doc
    }

    func advance(to target: UInt32) -> UInt32 {
        if doc >= target { return doc }
        doc = settle(on: target)
        return doc
    }

    func score() -> Float {
        weight.score(frequency: phraseFrequency, fieldLength: norms.length(doc: doc, field: field))
    }

    func scoreUpperBound() -> Float {
        // The phrase frequency is at most the smallest slot frequency in the document.
        var bound = UInt32.max
        for index in 0..<slots.count { bound = min(bound, slots[index].frequency) }
        return weight.score(frequency: bound, fieldLength: norms.length(doc: doc, field: field)) * TermMatcher.slack
    }

    private var windowBound: Float = 0

    /// The window ends where the first slot's does. In it the phrase frequency is at most the
    /// smallest slot frequency bound, and the field length at least the largest slot minimum
    /// (a match is in every slot's window).
    func advanceShallow(to target: UInt32) -> UInt32 {
        var end = noMoreDocs
        var frequency = UInt32.max
        var fieldLength: UInt32 = 0
        for index in 0..<slots.count {
            end = min(end, slots[index].advanceShallow(to: target))
            frequency = min(frequency, slots[index].windowMaxFrequency)
            fieldLength = max(fieldLength, slots[index].windowMinFieldLength)
        }
        windowBound = weight.bound(frequency: frequency, fieldLength: fieldLength) * TermMatcher.slack
        return end
    }

    func maxScore() -> Float { windowBound }

    /// Finds the first document ≥ `target` where all slots meet and the phrase occurs.
    private func settle(on target: UInt32) -> UInt32 {
        var candidate = target
        while candidate != noMoreDocs {
            if deadline.tick() { return noMoreDocs }
            candidate = align(from: candidate)
            if candidate == noMoreDocs { return noMoreDocs }
            phraseFrequency = countOccurrences()
            if phraseFrequency > 0 { return candidate }
            candidate += 1
        }
        return noMoreDocs
    }

    /// Leapfrog until every slot is on the same document ≥ `target`.
    private func align(from target: UInt32) -> UInt32 {
        leapfrog(count: slots.count, from: target) { index, doc in
            deadline.tick() ? noMoreDocs : slots[index].advance(to: doc)
        }
    }

    /// How many start positions `p` have every slot at `p + offset`.
    private func countOccurrences() -> UInt32 {
        for index in 0..<slots.count { slots[index].positions(into: &buffers[index]) }
        for index in 0..<scanIndices.count { scanIndices[index] = 0 }
        var count: UInt32 = 0
        let starts = buffers[0]
        outer: for startIndex in 0..<starts.count {
            let start = starts[startIndex]
            for index in 1..<slots.count {
                let wanted = start &+ offsets[index]
                let list = buffers[index]
                var at = scanIndices[index]
                while at < list.count && list[at] < wanted { at += 1 }
                scanIndices[index] = at
                if at == list.count { break outer }
                if list[at] != wanted { continue outer }
            }
            count += 1
        }
        return count
    }
}
