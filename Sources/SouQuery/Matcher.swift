import SouFormat

/// The documents of one segment that match a query node, in increasing doc-ID order,
/// with a score for the current one.
///
/// A fresh matcher is positioned on its first document (`noMoreDocs` if none).
protocol Matcher: AnyObject {
    /// The current document, or `noMoreDocs` past the end.
    var doc: UInt32 { get }
    /// Moves to the next match and returns it.
    func next() -> UInt32
    /// Moves to the first match ≥ `target` (no move if already there) and returns it.
    func advance(to target: UInt32) -> UInt32
    /// The score of the current document.
    func score() -> Float
    /// An upper bound of `score()` for the current document, from block-max metadata.
    /// Must never be below `score()`; cheaper to compute than it.
    func scoreUpperBound() -> Float
    /// Roughly how many documents this matcher yields (to order intersections).
    var cost: Int { get }
    /// Moves only skip data (no block is decoded, `doc` does not change) so that `maxScore()`
    /// bounds the score of every document ≥ `target` this matcher can yield up to the returned
    /// window end (≥ `target`; `noMoreDocs` when the bound holds to the end). The search's
    /// block-max loop skips a whole window whose bound cannot beat the k-th best score.
    func advanceShallow(to target: UInt32) -> UInt32
    /// An upper bound of the score of any document in the window of the last `advanceShallow`.
    func maxScore() -> Float
    /// Moves past `current` (the current document) to the next document that can score
    /// above `threshold`, or at least to the next one past `windowEnd` (the window of the
    /// last `advanceShallow`, whose bounds it may use). `next()` unless the matcher can
    /// rule documents out (a disjunction: MaxScore).
    func nextCompetitive(after current: UInt32, threshold: Float, windowEnd: UInt32) -> UInt32
}

extension Matcher {
    func nextCompetitive(after current: UInt32, threshold: Float, windowEnd: UInt32) -> UInt32 { next() }
}

let noMoreDocs = PostingsCursor.noMoreDocs

/// Leapfrog intersection: advances matcher `0, 1, …, count−1, 0, …` in turn to the current
/// candidate until `count` of them in a row agree on it.
///
/// - Parameters:
///   - count: how many matchers (at least one).
///   - target: the first document that may match.
///   - advance: `advance(i, doc)` moves matcher `i` to its first document ≥ `doc` and returns it.
/// - Returns: the first document ≥ `target` on which every matcher stands, or `noMoreDocs`.
@inline(__always)
func leapfrog(count: Int, from target: UInt32, advance: (Int, UInt32) -> UInt32) -> UInt32 {
    var candidate = target
    var index = 0
    var agreeing = 0
    while agreeing < count {
        let found = advance(index, candidate)
        if found == noMoreDocs { return noMoreDocs }
        if found == candidate {
            agreeing += 1
        } else {
            candidate = found
            agreeing = 1
        }
        index = index + 1 == count ? 0 : index + 1
    }
    return candidate
}

/// A matcher that can also report the token positions of its current document (for phrases).
protocol PositionedMatcher: Matcher {
    /// Appends the positions of the current document, sorted ascending, after clearing `buffer`.
    func positions(into buffer: inout [UInt32])
    /// Frequency in the current document.
    var frequency: UInt32 { get }
    /// After `advanceShallow`: an upper bound of the frequency of any document in the window.
    var windowMaxFrequency: UInt32 { get }
    /// After `advanceShallow`: a lower bound of the field length of any document in the window.
    var windowMinFieldLength: UInt32 { get }
}

/// Matches nothing.
final class EmptyMatcher: Matcher {
    var doc: UInt32 { noMoreDocs }
    func next() -> UInt32 { noMoreDocs }
    func advance(to target: UInt32) -> UInt32 { noMoreDocs }
    func score() -> Float { 0 }
    func scoreUpperBound() -> Float { 0 }
    var cost: Int { 0 }
    func advanceShallow(to target: UInt32) -> UInt32 { noMoreDocs }
    func maxScore() -> Float { 0 }
}
