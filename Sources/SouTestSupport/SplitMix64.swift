#if canImport(Glibc)
import Glibc
#endif

/// A random seed for a randomized test, or `SOU_SEED` from the environment to replay one.
public func testSeed() -> UInt64 {
    if let text = getenv("SOU_SEED"), let seed = UInt64(String(cString: text)) { return seed }
    return UInt64.random(in: 0...UInt64.max)
}

/// A tiny seeded random generator, so randomized tests reproduce from their printed seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A fresh seed, printed so a failing run can be repeated with `init(seed:)`.
    public static func printedSeed(_ label: String) -> UInt64 {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("seed", label, seed)
        return seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
