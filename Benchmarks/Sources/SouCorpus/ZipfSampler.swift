#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Draws ranks `0..<count` with probability proportional to `1 / (rank + 1)^exponent`, as word
/// frequencies in natural text roughly fall (Zipf's law).
///
/// The cumulative distribution is precomputed; a draw is one binary search.
public struct ZipfSampler: Sendable {
    private let cumulative: [Double]

    /// - Parameters:
    ///   - count: number of ranks (> 0).
    ///   - exponent: 1.0 is classic Zipf; larger concentrates mass on the first ranks.
    public init(count: Int, exponent: Double = 1.0) {
        var sums = [Double](repeating: 0, count: count)
        var total = 0.0
        for rank in 0..<count {
            total += 1 / pow(Double(rank + 1), exponent)
            sums[rank] = total
        }
        cumulative = sums.map { $0 / total }
    }

    public var count: Int { cumulative.count }

    /// - Returns: a rank in `0..<count`; rank 0 is the most frequent.
    @inline(__always)
    public func sample(_ random: inout SplitMix64) -> Int {
        let u = random.nextUnit()
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let mid = (low + high) >> 1
            if cumulative[mid] < u { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
