/// The analyzer shared by indexing and querying. Deterministic; see docs/ANALYSIS.md.
///
/// - Normalization: ``Normalizer`` (NFKC_Casefold per character).
/// - Classes: ``ScriptClass`` on normalized characters: CJK runs, words, separators.
/// - Positions: one counter per field; a word takes one position, every CJK character one.
public struct Analyzer: Sendable {
    /// Words longer than this many UTF-8 bytes are not indexed (they still take a position).
    public static let maxWordBytes = 255

    /// Creates the analyzer. There is no stemming.
    public init() {}

    /// NFKC + full case folding, per character.
    /// - Parameter text: any text.
    /// - Returns: the concatenation of `NFKC_Casefold(c)` over the characters of `text`.
    public func normalize(_ text: String) -> String {
        Normalizer().normalize(text)
    }

    /// Index-time analysis of one field value.
    ///
    /// Words become one `.word` token each. A CJK run `c0 c1 … cn-1` starting at position `p`
    /// yields the bigrams `ci ci+1` at `p+i` and the unigram `cn-1` at `p+n-1`.
    /// Built on ``TokenStream`` (bytes, not `Character`s, where the text allows).
    /// - Parameter text: the original field text.
    /// - Returns: tokens in position order (bigrams before the unigram of the same run).
    public func tokens(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var stream = TokenStream()
        stream.forEachToken(in: text) { token in
            tokens.append(
                Token(
                    term: String(decoding: token.term, as: UTF8.self),
                    position: token.position,
                    kind: token.kind,
                    range: token.range
                )
            )
        }
        return tokens
    }

    /// ``tokens(_:)`` computed character by character with `Segmenter`, the original
    /// implementation: the reference that `TokenStreamTests` compares the byte-level path with.
    func referenceTokens(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var position = 0
        Segmenter.segment(
            text,
            word: { term, range in
                if term.utf8.count <= Analyzer.maxWordBytes {
                    tokens.append(Token(term: term, position: position, kind: .word, range: range))
                }
                position += 1
            },
            cjkRun: { chars, ranges in
                let count = chars.count
                for i in 0..<(count - 1) {
                    tokens.append(
                        Token(
                            term: chars[i] + chars[i + 1],
                            position: position + i,
                            kind: .cjkBigram,
                            range: ranges[i].lowerBound..<ranges[i + 1].upperBound
                        )
                    )
                }
                tokens.append(
                    Token(
                        term: chars[count - 1],
                        position: position + count - 1,
                        kind: .cjkUnigram,
                        range: ranges[count - 1]
                    )
                )
                position += count
            }
        )
        return tokens
    }

    /// Query-time analysis of one bare word or quoted phrase.
    ///
    /// Like ``tokens(_:)``, except that a CJK run of length n ≥ 2 yields only its n−1 bigrams and a
    /// run of length 1 yields ``PositionedQuerySlot/cjkPrefix(_:position:)``. Positions are relative, from 0.
    /// - Parameter text: the query text as typed.
    /// - Returns: the slots, in position order; empty if the text has no words or CJK characters.
    public func querySlots(_ text: String) -> [PositionedQuerySlot] {
        var slots: [PositionedQuerySlot] = []
        var position = 0
        Segmenter.segment(
            text,
            word: { term, _ in
                slots.append(.term(term, position: position))
                position += 1
            },
            cjkRun: { chars, _ in
                if chars.count == 1 {
                    slots.append(.cjkPrefix(chars[0], position: position))
                } else {
                    for i in 0..<(chars.count - 1) {
                        slots.append(.term(chars[i] + chars[i + 1], position: position + i))
                    }
                }
                position += chars.count
            }
        )
        return slots
    }
}
