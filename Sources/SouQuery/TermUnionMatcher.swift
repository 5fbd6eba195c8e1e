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
    private(set) var doc: UInt32 = noMoreDocs
    let cost: Int

    init(cursors: [PostingsCursor], weight: BM25Weight, norms: FieldNormsReader, field: Int) {
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
        for index in active where cursors[index].next() != noMoreDocs { push(index) }
        active.removeAll(keepingCapacity: true)
        collectActive()
        return doc
    }

    func advance(to target: UInt32) -> UInt32 {
        if doc >= target { return doc }
        for index in active where cursors[index].advance(to: target) != noMoreDocs { push(index) }
        active.removeAll(keepingCapacity: true)
        while let top = heap.first, cursors[top].doc < target {
            popTop()
            if cursors[top].advance(to: target) != noMoreDocs { push(top) }
        }
        collectActive()
        return doc
    }

    var frequency: UInt32 { active.reduce(0) { $0 &+ cursors[$1].frequency } }

    func score() -> Float {
        weight.score(frequency: frequency, fieldLength: norms.length(doc: doc, field: field))
    }

    func scoreUpperBound() -> Float { weight.maximum * TermMatcher.slack }

    func positions(into buffer: inout [UInt32]) {
        buffer.removeAll(keepingCapacity: true)
        for index in active {
            cursors[index].positions(into: &scratch)
            buffer.append(contentsOf: scratch)
        }
        if active.count > 1 { buffer.sort() }
    }

    private func collectActive() {
        guard let top = heap.first else {
            doc = noMoreDocs
            return
        }
        doc = cursors[top].doc
        while let first = heap.first, cursors[first].doc == doc {
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
            heap.swapAt(parent, child)
            child = parent
        }
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
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
