import SouTestSupport
import Testing

@testable import SouAnalysis

/// Analysis on the fast path allocates nothing per token, nor per field, once a
/// ``TokenStream``'s buffers have grown. Run by scripts/check-allocations.sh (which preloads
/// the counter); skipped otherwise.
@Suite(.offCooperativePool) struct TokenStreamAllocationTests {
    /// The seed corpus without the few scalars that leave the fast path (`…`, `□`, CR, …).
    static func simpleText() throws -> String {
        let text = try SeedCorpus.files().map(\.text).joined(separator: "\n")
        let scalars = text.unicodeScalars.filter { scalar in
            var utf8 = Array(String(scalar).utf8)
            return utf8.withUnsafeMutableBufferPointer { SimpleScalar(UnsafeBufferPointer($0), at: 0).isSimple }
        }
        return String(String.UnicodeScalarView(scalars))
    }

    /// Allocations of analyzing `fields` once more with a warmed-up stream, and the token count.
    static func allocations(_ fields: [String], _ stream: inout TokenStream) -> (allocations: Int, tokens: Int) {
        for field in fields { stream.forEachToken(in: field) { _ in } }
        // By index: a debug build's `for … in` over an array allocates per element itself.
        var tokens = 0
        // Per thread: the test is synchronous, so it stays on one thread, and other suites
        // running beside it do not count.
        let before = MallocCounter.threadCount
        for index in fields.indices { stream.forEachToken(in: fields[index]) { tokens += $0.term.isEmpty ? 0 : 1 } }
        return (MallocCounter.threadCount - before, tokens)
    }

    @Test(.enabled(if: MallocCounter.isLoaded, "needs scripts/check-allocations.sh"))
    func fastPathDoesNotAllocatePerTokenOrField() throws {
        let text = try Self.simpleText()
        var stream = TokenStream()
        let once = Self.allocations([text], &stream)
        let eightTimes = Self.allocations([String](repeating: text, count: 8), &stream)
        let lines = text.split(separator: "\n").map(String.init)
        let perLine = Self.allocations(lines, &stream)
        print(
            "TokenStreamAllocationTests: \(once.tokens) tokens \(once.allocations) allocations,",
            "8× \(eightTimes.tokens) tokens \(eightTimes.allocations) allocations,",
            "\(lines.count) fields \(perLine.tokens) tokens \(perLine.allocations) allocations"
        )
        #expect(once.tokens > 20_000 && eightTimes.tokens == 8 * once.tokens)
        #expect(once.allocations <= 2 && eightTimes.allocations <= 2, "the fast path allocates per token")
        #expect(perLine.allocations <= 2, "the fast path allocates per field")
    }
}
