// The corpus generator draws from SouRandom's SplitMix64; users of SouCorpus (the benchmarks,
// the tools) seed it too.
@_exported import SouRandom

/// What a generated corpus looks like.
public enum CorpusKind: String, Sendable, CaseIterable {
    /// Mostly CJK words run together with full-width punctuation, ~8% Latin words and numbers
    /// (like seeds/, a Chinese daily newspaper).
    case chinese
    /// Latin words separated by spaces, with sentence punctuation and capitals.
    case english
    /// Alternating runs of CJK words and Latin words (technical documentation).
    case mixed
}
