/// A counter that outlives a benchmark closure (ordo-one/benchmark calls the closure once per
/// iteration), so iterations take turns over a fixture's queries or keys. One thread only.
public final class Turn: @unchecked Sendable {
    private var count = 0

    public init() {}

    /// - Returns: 0, 1, …, modulo − 1, 0, … on successive calls.
    public func next(_ modulo: Int) -> Int {
        defer { count &+= 1 }
        return count % modulo
    }
}
