/// Documents matched by any child (OR); the score is the sum over the children on the document.
///
/// Per-document loops index the children array directly: iterating with `for … in` goes
/// through `IndexingIterator`, which allocates a coroutine frame per element when it is not
/// specialized (debug builds).
final class DisjunctionMatcher: Matcher {
    private let children: [any Matcher]
    private let deadline: QueryDeadline
    private(set) var doc: UInt32 = noMoreDocs
    let cost: Int

    /// - Parameter deadline: ticked per child visited (a wide OR visits every child per
    ///   document); once it has expired the matcher ends (`noMoreDocs`).
    init(children: [any Matcher], deadline: QueryDeadline = QueryDeadline(nil)) {
        self.deadline = deadline
        self.children = children
        cost = children.reduce(0) { $0 + $1.cost }
        doc = children.reduce(noMoreDocs) { min($0, $1.doc) }
    }

    func next() -> UInt32 {
        guard doc != noMoreDocs else { return doc }
        return advance(to: doc + 1)
    }

    func advance(to target: UInt32) -> UInt32 {
        if doc >= target { return doc }
        if deadline.tick(children.count) {
            doc = noMoreDocs
            return doc
        }
        var smallest = noMoreDocs
        for index in 0..<children.count {
            let child = children[index]
            let found = child.doc < target ? child.advance(to: target) : child.doc
            smallest = min(smallest, found)
        }
        doc = smallest
        return doc
    }

    /// Children left behind by `nextCompetitive` catch up first.
    func score() -> Float {
        var total: Float = 0
        for index in 0..<children.count {
            let child = children[index]
            if child.doc < doc { _ = child.advance(to: doc) }
            if child.doc == doc { total += child.score() }
        }
        return total
    }

    func scoreUpperBound() -> Float {
        var total: Float = 0
        for index in 0..<children.count {
            let child = children[index]
            if child.doc < doc { _ = child.advance(to: doc) }
            if child.doc == doc { total += child.scoreUpperBound() }
        }
        return total
    }

    private var windowBound: Float = 0
    /// Each child's bound in the window of the last `advanceShallow` (0 for an ended child).
    private var childBounds: [Float] = []
    /// Scratch of `nextCompetitive`: children by increasing bound, and which are essential.
    private var byBound: [Int] = []
    private var essential: [Bool] = []

    /// The window ends where the first child's does; any child may hold a document in it.
    func advanceShallow(to target: UInt32) -> UInt32 {
        if childBounds.count != children.count {
            childBounds = [Float](repeating: 0, count: children.count)
            essential = [Bool](repeating: true, count: children.count)
            byBound = Array(0..<children.count)
        }
        var end = noMoreDocs
        var bound: Float = 0
        for index in 0..<children.count {
            guard children[index].doc != noMoreDocs else {
                childBounds[index] = 0
                continue
            }
            end = min(end, children[index].advanceShallow(to: target))
            childBounds[index] = children[index].maxScore()
            bound += childBounds[index]
        }
        windowBound = bound
        return end
    }

    /// Block-max MaxScore: in the window, the children with the smallest bounds whose sum
    /// cannot beat `threshold` are non-essential — a document only they hold cannot enter —
    /// so only the essential children propose the next document (the others catch up when
    /// it is scored). Past the window its bounds no longer hold: every child proposes again.
    func nextCompetitive(after current: UInt32, threshold: Float, windowEnd: UInt32) -> UInt32 {
        guard threshold > -Float.infinity, current == doc, doc != noMoreDocs, childBounds.count == children.count
        else { return next() }
        // Insertion sort by bound: few children, no allocation.
        for i in 1..<max(1, byBound.count) {
            let moving = byBound[i]
            var j = i
            while j > 0 && childBounds[byBound[j - 1]] > childBounds[moving] {
                byBound[j] = byBound[j - 1]
                j -= 1
            }
            byBound[j] = moving
        }
        var sum: Float = 0
        var nonEssential = 0
        for i in 0..<byBound.count {
            let index = byBound[i]
            if sum + childBounds[index] <= threshold {
                sum += childBounds[index]
                essential[index] = false
                nonEssential += 1
            } else {
                essential[index] = true
            }
        }
        guard nonEssential > 0 else { return next() }
        if deadline.tick(children.count) {
            doc = noMoreDocs
            return doc
        }
        var smallest = noMoreDocs
        for index in 0..<children.count where essential[index] {
            let child = children[index]
            let found = child.doc <= current ? child.advance(to: current + 1) : child.doc
            smallest = min(smallest, found)
        }
        if smallest > windowEnd {
            // Leaves the window: from its end on, every child takes part again.
            return advance(to: windowEnd + 1)
        }
        doc = smallest
        return doc
    }

    func maxScore() -> Float { windowBound }
}
