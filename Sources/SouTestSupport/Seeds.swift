@_exported import SouRandom

#if canImport(Glibc)
import Glibc
#endif

/// A random seed for a randomized test, or `SOU_SEED` from the environment to replay one.
public func testSeed() -> UInt64 {
    if let text = getenv("SOU_SEED"), let seed = UInt64(String(cString: text)) { return seed }
    return UInt64.random(in: 0...UInt64.max)
}

extension SplitMix64 {
    /// A fresh seed, printed so a failing run can be repeated with `init(seed:)`.
    public static func printedSeed(_ label: String) -> UInt64 {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("seed", label, seed)
        return seed
    }
}
