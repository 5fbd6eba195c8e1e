/// Keeps the `capacity` best (score, segment, doc) triples seen so far.
///
/// Higher scores win; on equal scores the earlier document (lower segment, then lower doc)
/// wins, so results are deterministic. Documents arrive in increasing (segment, doc) order,
/// so a newcomer that only ties the worst kept entry never enters — which is what lets the
/// searcher skip scoring whenever an upper bound does not exceed `threshold`.
struct TopKCollector {
    struct Entry: Equatable {
        var score: Float
        var segment: Int
        var doc: UInt32

        /// Whether `self` ranks below `other`.
        func ranksBelow(_ other: Entry) -> Bool {
            if score != other.score { return score < other.score }
            if segment != other.segment { return segment > other.segment }
            return doc > other.doc
        }
    }

    let capacity: Int
    /// A min-heap: the worst kept entry on top.
    private var heap: [Entry] = []

    init(capacity: Int) {
        self.capacity = capacity
        heap.reserveCapacity(min(capacity, 4096))
    }

    var isFull: Bool { heap.count >= capacity }

    /// The score a document must beat to enter, once full.
    var threshold: Float { heap.isEmpty ? -.infinity : heap[0].score }

    mutating func offer(_ entry: Entry) {
        guard capacity > 0 else { return }
        if heap.count < capacity {
            heap.append(entry)
            siftUp(heap.count - 1)
        } else if heap[0].ranksBelow(entry) {
            heap[0] = entry
            siftDown(0)
        }
    }

    /// The kept entries, best first.
    func sorted() -> [Entry] {
        heap.sorted { $1.ranksBelow($0) }
    }

    /// `swapAt` without the generic `MutableCollection` path (which allocates when unspecialized).
    private mutating func swap(_ a: Int, _ b: Int) {
        let kept = heap[a]
        heap[a] = heap[b]
        heap[b] = kept
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].ranksBelow(heap[parent]) else { break }
            swap(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { break }
            var worst = left
            if left + 1 < heap.count && heap[left + 1].ranksBelow(heap[left]) { worst = left + 1 }
            guard heap[worst].ranksBelow(heap[parent]) else { break }
            swap(worst, parent)
            parent = worst
        }
    }
}
