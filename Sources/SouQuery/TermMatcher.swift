import SouFormat

/// One term's postings in one field, scored with BM25 and bounded by block-max metadata.
final class TermMatcher: PositionedMatcher {
    private var cursor: PostingsCursor
    private let weight: BM25Weight
    private let norms: FieldNormsReader
    private let field: Int
    /// The block whose bound is cached, identified by its last doc.
    private var boundBlockLastDoc: UInt32 = 0
    private var boundIsValid = false
    private var cachedBound: Float = 0

    init(cursor: PostingsCursor, weight: BM25Weight, norms: FieldNormsReader, field: Int) {
        self.cursor = cursor
        self.weight = weight
        self.norms = norms
        self.field = field
    }

    var doc: UInt32 { cursor.doc }
    var cost: Int { Int(cursor.documentFrequency) }
    var frequency: UInt32 { cursor.frequency }

    func next() -> UInt32 { cursor.next() }
    func advance(to target: UInt32) -> UInt32 { cursor.advance(to: target) }

    func score() -> Float {
        weight.score(frequency: cursor.frequency, fieldLength: norms.length(doc: cursor.doc, field: field))
    }

    func scoreUpperBound() -> Float {
        let current = cursor.doc
        if boundIsValid && current <= boundBlockLastDoc { return cachedBound }
        cursor.shallowAdvance(to: current)
        boundBlockLastDoc = cursor.blockLastDoc
        boundIsValid = true
        cachedBound = maxScore()
        return cachedBound
    }

    func advanceShallow(to target: UInt32) -> UInt32 {
        cursor.shallowAdvance(to: target)
        return cursor.blockLastDoc
    }

    /// The best score of the block's impacts (or of its largest frequency and shortest length).
    func maxScore() -> Float {
        let impacts = cursor.blockImpacts
        guard impacts.count > 0 else {
            return Self.slack
                * weight.bound(frequency: cursor.blockMaxFrequency, fieldLength: cursor.blockMinFieldLength)
        }
        var best: Float = 0
        for index in 0..<impacts.count {
            let pair = impacts[index]
            best = max(best, weight.bound(frequency: pair.frequency, fieldLength: pair.fieldLength))
        }
        return Self.slack * best
    }

    var windowMaxFrequency: UInt32 { cursor.blockMaxFrequency }
    var windowMinFieldLength: UInt32 { cursor.blockMinFieldLength }

    /// Bounds are inflated by this much so that rounding can never make one smaller than a score.
    static let slack: Float = 1.0001

    func positions(into buffer: inout [UInt32]) { cursor.positions(into: &buffer) }
}
