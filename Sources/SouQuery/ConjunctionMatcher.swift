/// Documents matched by every child (AND). Children are leapfrogged cheapest first.
final class ConjunctionMatcher: Matcher {
    private let children: [any Matcher]
    private let deadline: QueryDeadline
    private(set) var doc: UInt32 = noMoreDocs
    let cost: Int

    /// - Parameter deadline: ticked per leapfrog step: children that rarely co-occur can take
    ///   many steps per match; once expired the matcher ends (`noMoreDocs`).
    init(children: [any Matcher], deadline: QueryDeadline) {
        self.deadline = deadline
        self.children = children.sorted { $0.cost < $1.cost }
        cost = self.children.first?.cost ?? 0
        doc = align(from: self.children.map(\.doc).max() ?? noMoreDocs)
    }

    func next() -> UInt32 {
        guard doc != noMoreDocs else { return doc }
        doc = align(from: doc + 1)
        return doc
    }

    func advance(to target: UInt32) -> UInt32 {
        if doc >= target { return doc }
        doc = align(from: target)
        return doc
    }

    func score() -> Float {
        var total: Float = 0
        for index in 0..<children.count { total += children[index].score() }
        return total
    }

    func scoreUpperBound() -> Float {
        var total: Float = 0
        for index in 0..<children.count { total += children[index].scoreUpperBound() }
        return total
    }

    private var windowBound: Float = 0

    /// The window ends where the first child's does; a match holds every child.
    func advanceShallow(to target: UInt32) -> UInt32 {
        var end = noMoreDocs
        var bound: Float = 0
        for index in 0..<children.count {
            end = min(end, children[index].advanceShallow(to: target))
            bound += children[index].maxScore()
        }
        windowBound = bound
        return end
    }

    func maxScore() -> Float { windowBound }

    private func align(from target: UInt32) -> UInt32 {
        leapfrog(count: children.count, from: target) { index, doc in
            deadline.tick() ? noMoreDocs : children[index].advance(to: doc)
        }
    }
}

/// Documents matched by `positive` but not by `negative` (AND NOT). Scored by `positive`.
final class ExclusionMatcher: Matcher {
    private let positive: any Matcher
    private let negative: any Matcher
    private let deadline: QueryDeadline
    private(set) var doc: UInt32 = noMoreDocs

    /// - Parameter deadline: ticked per excluded candidate; once expired the matcher ends.
    init(positive: any Matcher, negative: any Matcher, deadline: QueryDeadline) {
        self.deadline = deadline
        self.positive = positive
        self.negative = negative
        doc = skipExcluded(positive.doc)
    }

    var cost: Int { positive.cost }

    func next() -> UInt32 {
        guard doc != noMoreDocs else { return doc }
        doc = skipExcluded(positive.next())
        return doc
    }

    func advance(to target: UInt32) -> UInt32 {
        if doc >= target { return doc }
        doc = skipExcluded(positive.advance(to: target))
        return doc
    }

    func score() -> Float { positive.score() }
    func scoreUpperBound() -> Float { positive.scoreUpperBound() }
    func advanceShallow(to target: UInt32) -> UInt32 { positive.advanceShallow(to: target) }
    func maxScore() -> Float { positive.maxScore() }

    private func skipExcluded(_ start: UInt32) -> UInt32 {
        var candidate = start
        while candidate != noMoreDocs && negative.advance(to: candidate) == candidate {
            if deadline.tick() { return noMoreDocs }
            candidate = positive.next()
        }
        return candidate
    }
}
