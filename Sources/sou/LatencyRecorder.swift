import Histogram

/// Request latencies of `sou bench query`, in an HdrHistogram (microsecond resolution,
/// three significant digits: a percentile is within 0.1 % of the recorded value).
struct LatencyRecorder: Sendable {
    /// The longest latency recorded as itself; longer ones are recorded as this (an hour:
    /// far above any query timeout).
    static let highestMicroseconds: UInt64 = 3_600_000_000

    private var histogram = Histogram<UInt64>(
        lowestDiscernibleValue: 1,
        highestTrackableValue: highestMicroseconds,
        numberOfSignificantValueDigits: .three
    )

    /// How many latencies were recorded.
    var count: Int { Int(histogram.totalCount) }

    /// Records one request's latency (at least 1 µs).
    mutating func record(_ latency: Duration) {
        let (seconds, attoseconds) = latency.components
        let microseconds = max(0, seconds) * 1_000_000 + attoseconds / 1_000_000_000_000
        histogram.record(min(Self.highestMicroseconds, UInt64(max(1, microseconds))))
    }

    /// Adds every latency `other` recorded (one recorder per connection, merged at the end).
    mutating func merge(_ other: LatencyRecorder) {
        histogram.add(other.histogram)
    }

    /// The latency at `percentile` (0…100) in milliseconds; 0 when nothing was recorded.
    func milliseconds(atPercentile percentile: Double) -> Double {
        count == 0 ? 0 : Double(histogram.valueAtPercentile(percentile)) / 1000
    }

    /// The summary `sou bench query` reports, in milliseconds: p50, p90, p99, p99.9, min,
    /// max, mean (report names, in that order).
    var summary: [(name: String, milliseconds: Double)] {
        guard count > 0 else { return Self.names.map { ($0, 0) } }
        return [
            ("p50", milliseconds(atPercentile: 50)), ("p90", milliseconds(atPercentile: 90)),
            ("p99", milliseconds(atPercentile: 99)), ("p99_9", milliseconds(atPercentile: 99.9)),
            ("min", Double(histogram.min) / 1000), ("max", Double(histogram.max) / 1000),
            ("mean", histogram.mean / 1000),
        ]
    }

    static let names = ["p50", "p90", "p99", "p99_9", "min", "max", "mean"]
}
