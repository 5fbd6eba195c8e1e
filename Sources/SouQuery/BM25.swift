/// BM25 parameters (PRODUCT.md: k1 and b configurable; defaults 1.2 and 0.75).
///
/// `k1` is clamped to `0...1000` and `b` to `0...1` (NaN counts as the default): outside
/// those ranges a score would not grow with the term frequency or shrink with the field
/// length, and block-max bounds would no longer bound it.
public struct BM25Parameters: Sendable, Equatable {
    public let k1: Float
    public let b: Float

    public init(k1: Float = 1.2, b: Float = 0.75) {
        self.k1 = k1.isNaN ? 1.2 : min(max(k1, 0), 1000)
        self.b = b.isNaN ? 0.75 : min(max(b, 0), 1)
    }
}

/// The BM25 scorer of one query leaf (a term, a term union or a phrase) in one field:
///
///     score(tf, dl) = boost · idf · tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl))
///     idf           = ln(1 + (N − df + 0.5) / (df + 0.5))
///
/// N is the number of live documents in the snapshot, df the live documents containing
/// the leaf — for a term union (`word*`, a lone CJK character) the documents containing any
/// of its terms, each once; for a phrase the sum of its slots' idfs is used, each slot's df
/// counted the same way — and avgdl the average length of the field over live documents
/// that have it.
public struct BM25Weight: Sendable {
    public let weight: Float  // boost · idf · (k1 + 1)
    public let k1: Float
    /// k1 · (1 − b) and k1 · b / avgdl, so a score costs one multiply-add and a divide.
    let lengthConstant: Float
    let lengthFactor: Float

    public init(idf: Float, boost: Float, averageLength: Float, parameters: BM25Parameters) {
        weight = boost * idf * (parameters.k1 + 1)
        k1 = parameters.k1
        lengthConstant = parameters.k1 * (1 - parameters.b)
        lengthFactor = averageLength > 0 ? parameters.k1 * parameters.b / averageLength : 0
    }

    public static func idf(documentFrequency: Int, documentCount: Int) -> Float {
        let df = Double(min(documentFrequency, documentCount))
        let n = Double(documentCount)
        return Float(log(1 + (n - df + 0.5) / (df + 0.5)))
    }

    @inline(__always)
    public func score(frequency: UInt32, fieldLength: UInt32) -> Float {
        let tf = Float(frequency)
        return weight * tf / (tf + lengthConstant + lengthFactor * Float(fieldLength))
    }

    /// `score` as an upper bound of a block or window: 0 for frequency 0 (an ended list),
    /// where `score` is 0/0 when k1 = 0 and a NaN bound would never let anything be skipped.
    @inline(__always)
    public func bound(frequency: UInt32, fieldLength: UInt32) -> Float {
        frequency == 0 ? 0 : score(frequency: frequency, fieldLength: fieldLength)
    }

    /// The largest score any document can get (tf → ∞).
    public var maximum: Float { weight }
}

#if canImport(Glibc)
import Glibc
#endif
