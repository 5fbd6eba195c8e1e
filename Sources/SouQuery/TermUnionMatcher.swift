import SouFormat

/// Several terms of one field matched as if they were one: a prefix expansion (`edu*`) or a
/// lone CJK character (every bigram starting with it plus its unigram).
///
/// Frequency is the sum of the terms' frequencies; positions are merged. Cursors not on
/// the current document sit in a min-heap by doc; those on it are in `active`.
final class TermUnionMatcher: PositionedMatcher {
    private var cursors: [PostingsCursor]
    private var heap: [Int] = []
    private var active: [Int] = []
    private let weight: BM25Weight
    private let norms: FieldNormsReader
    private let field: Int
    private var scratch: [UInt32] = []
    private let deadline: QueryDeadline
    private(set) var doc: UInt32 = noMoreDocs
    let cost: Int

    /// - Parameter deadline: ticked per cursor moved (a wide expansion moves many per
    ///   document); once it has expired the matcher ends (`noMoreDocs`).
    init(
        cursors: [PostingsCursor],
        weight: BM25Weight,
        norms: FieldNormsReader,
        field: Int,
        deadline: QueryDeadline = QueryDeadline(nil)
    ) {
        self.deadline = deadline
        self.cursors = cursors
        self.weight = weight
        self.norms = norms
        self.field = field
        cost = cursors.reduce(0) { $0 + Int($1.documentFrequency) }
        heap.reserveCapacity(cursors.count)
        for index in cursors.indices where cursors[index].doc != noMoreDocs { push(index) }
        collectActive()
    }

    func next() -> UInt32 {
        if deadline.tick(active.count) { return expire() }
        for slot in 0..<active.count {
            let index = active[slot]
            if cursors[index].next() != noMoreDocs { push(index) }
        }
        active.removeAll(keepingCapacity: true)
        collectActive()
        return doc
    }

    func advance(to target: UInt32) -> UInt32 {
        if doc >= target { return doc }
        if deadline.tick(active.count) { return expire() }
        for slot in 0..<active.count {
            let index = active[slot]
            if cursors[index].advance(to: target) != noMoreDocs { push(index) }
        }
        active.removeAll(keepingCapacity: true)
        while !heap.isEmpty && cursors[heap[0]].doc < target {
            if deadline.tick() { return expire() }
            let top = heap[0]
            popTop()
            if cursors[top].advance(to: target) != noMoreDocs { push(top) }
        }
        collectActive()
        return doc
    }

    var frequency: UInt32 {
        var total: UInt64 = 0
        for slot in 0..<active.count { total &+= UInt64(cursors[active[slot]].frequency) }
        return UInt32(clamping: total)
    }

    func score() -> Float {
        weight.score(frequency: frequency, fieldLength: norms.length(doc: doc, field: field))
    }

    /// Block-max bound: the frequency is at most the sum of the active cursors' block maxima,
    /// the field length at least the smallest of their block minima.
    func scoreUpperBound() -> Float {
        var frequency: UInt64 = 0
        var fieldLength = UInt32.max
        for slot in 0..<active.count {
            let index = active[slot]
            cursors[index].shallowAdvance(to: doc)
            frequency &+= UInt64(cursors[index].blockMaxFrequency)
            fieldLength = min(fieldLength, cursors[index].blockMinFieldLength)
        }
        return weight.bound(frequency: UInt32(clamping: frequency), fieldLength: fieldLength) * TermMatcher.slack
    }

    /// The window ends at the first block end of any cursor; its bound sums every live
    /// cursor's block maximum (each may hold the document) over the smallest block minimum length.
    func advanceShallow(to target: UInt32) -> UInt32 {
        var end = noMoreDocs
        var frequency: UInt64 = 0
        var fieldLength = UInt32.max
        for index in 0..<cursors.count where cursors[index].doc != noMoreDocs {
            cursors[index].shallowAdvance(to: target)
            end = min(end, cursors[index].blockLastDoc)
            frequency &+= UInt64(cursors[index].blockMaxFrequency)
            fieldLength = min(fieldLength, cursors[index].blockMinFieldLength)
        }
        windowMaxFrequency = UInt32(clamping: frequency)
        windowMinFieldLength = fieldLength
        return end
    }

    private(set) var windowMaxFrequency: UInt32 = 0
    private(set) var windowMinFieldLength: UInt32 = .max

    func maxScore() -> Float {
        weight.bound(frequency: windowMaxFrequency, fieldLength: windowMinFieldLength) * TermMatcher.slack
    }

    /// The active cursors' positions merged in order; no allocation once the buffers have grown.
    func positions(into buffer: inout [UInt32]) {
        buffer.removeAll(keepingCapacity: true)
        for slot in 0..<active.count {
            cursors[active[slot]].positions(into: &scratch)
            Self.mergeSorted(scratch, into: &buffer)
        }
    }

    /// Merges sorted `source` into sorted `buffer` in place, from the back.
    static func mergeSorted(_ source: [UInt32], into buffer: inout [UInt32]) {
        guard !source.isEmpty else { return }
        var kept = buffer.count
        if kept == 0 {
            buffer.append(contentsOf: source)
            return
        }
        var taken = source.count
        buffer.append(contentsOf: source)  // grows in place; the tail is overwritten below
        var write = buffer.count
        while taken > 0 {
            write -= 1
            if kept > 0 && buffer[kept - 1] > source[taken - 1] {
                kept -= 1
                buffer[write] = buffer[kept]
            } else {
                taken -= 1
                buffer[write] = source[taken]
            }
        }
    }

    /// Ends the matcher after the deadline passed (the searcher reports the timeout).
    private func expire() -> UInt32 {
        heap.removeAll(keepingCapacity: true)
        active.removeAll(keepingCapacity: true)
        doc = noMoreDocs
        return doc
    }

    private func collectActive() {
        // `heap[0]` rather than `heap.first`: the generic `Collection.first` allocates when unspecialized.
        guard !heap.isEmpty else {
            doc = noMoreDocs
            return
        }
        doc = cursors[heap[0]].doc
        while !heap.isEmpty && cursors[heap[0]].doc == doc {
            let first = heap[0]
            popTop()
            active.append(first)
        }
    }

    // MARK: binary min-heap of cursor indices, ordered by the cursor's doc

    private func push(_ index: Int) {
        heap.append(index)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if cursors[heap[parent]].doc <= cursors[heap[child]].doc { break }
            swapHeap(parent, child)
            child = parent
        }
    }

    /// `swapAt` without the generic `MutableCollection` path (which allocates when unspecialized).
    private func swapHeap(_ a: Int, _ b: Int) {
        let kept = heap[a]
        heap[a] = heap[b]
        heap[b] = kept
    }

    private func popTop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            if left >= heap.count { break }
            var smallest = left
            let right = left + 1
            if right < heap.count && cursors[heap[right]].doc < cursors[heap[left]].doc { smallest = right }
            if cursors[heap[parent]].doc <= cursors[heap[smallest]].doc { break }
            swapHeap(parent, smallest)
            parent = smallest
        }
    }
}
