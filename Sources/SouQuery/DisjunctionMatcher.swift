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

    func score() -> Float {
        var total: Float = 0
        for index in 0..<children.count where children[index].doc == doc { total += children[index].score() }
        return total
    }

    func scoreUpperBound() -> Float {
        var total: Float = 0
        for index in 0..<children.count where children[index].doc == doc {
            total += children[index].scoreUpperBound()
        }
        return total
    }

    private var windowBound: Float = 0

    /// The window ends where the first child's does; any child may hold a document in it.
    func advanceShallow(to target: UInt32) -> UInt32 {
        var end = noMoreDocs
        var bound: Float = 0
        for index in 0..<children.count where children[index].doc != noMoreDocs {
            end = min(end, children[index].advanceShallow(to: target))
            bound += children[index].maxScore()
        }
        windowBound = bound
        return end
    }

    func maxScore() -> Float { windowBound }
}
