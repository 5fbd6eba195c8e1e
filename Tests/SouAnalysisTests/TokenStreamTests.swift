import SouTestSupport
import Testing

@testable import SouAnalysis

/// The byte-level ``TokenStream`` (and ``Analyzer/tokens(_:)`` built on it) against the
/// `Character`-based reference ``Analyzer/referenceTokens(_:)``: the same terms byte for byte,
/// positions, kinds, ranges and field length, on the corpus, on a Unicode torture list and on
/// random mixtures of both.
@Suite(.offCooperativePool) struct TokenStreamTests {
    /// One token as text that compares bytes, not canonical equivalence.
    static func describe(
        _ term: some Sequence<UInt8>,
        _ position: Int,
        _ kind: TokenKind,
        _ range: Range<Int>
    ) -> String {
        "\(Array(term))@\(position) \(kind) \(range)"
    }

    /// The reference tokens and field length (last position + 1, or 0).
    static func reference(_ text: String) -> (tokens: [String], length: Int) {
        let tokens = Analyzer().referenceTokens(text)
        return (
            tokens.map { describe($0.term.utf8, $0.position, $0.kind, $0.range) },
            tokens.last.map { $0.position + 1 } ?? 0
        )
    }

    /// The stream's tokens and returned field length.
    static func streamed(_ text: String, _ stream: inout TokenStream) -> (tokens: [String], length: Int) {
        var tokens: [String] = []
        let length = stream.forEachToken(in: text) { tokens.append(describe($0.term, $0.position, $0.kind, $0.range)) }
        return (tokens, length)
    }

    /// Expects the stream, a fresh stream and `Analyzer.tokens` to agree with the reference.
    static func expectSame(_ text: String, _ stream: inout TokenStream, _ label: @autoclosure () -> String = "") {
        let expected = reference(text)
        let actual = streamed(text, &stream)
        var fresh = TokenStream()
        let once = streamed(text, &fresh)
        let viaAnalyzer = Analyzer().tokens(text).map { describe($0.term.utf8, $0.position, $0.kind, $0.range) }
        guard
            actual.tokens != expected.tokens || actual.length != expected.length || once.tokens != expected.tokens
                || viaAnalyzer != expected.tokens
        else { return }
        let common = min(actual.tokens.count, expected.tokens.count)
        let firstDifference = (0..<common).first { actual.tokens[$0] != expected.tokens[$0] } ?? common
        Issue.record(
            """
            \(label()) text \(text.debugDescription) scalars \(text.unicodeScalars.map { String($0.value, radix: 16) })
            first difference at token \(firstDifference):
              stream    \(actual.tokens.dropFirst(firstDifference).prefix(3)) length \(actual.length)
              reference \(expected.tokens.dropFirst(firstDifference).prefix(3)) length \(expected.length)
            """
        )
    }

    /// Short texts that exercise every grapheme-cluster rule and every normalization oddity,
    /// next to ASCII and CJK so that the fast path borders them.
    static let torture: [String] = [
        "", " ", "   ", "，。、", "!!!", "\n", "\r", "\r\n", "\n\r", "a\r\nb", "大\r\n同", "a\rb", "\r\n\r\n大",
        // Combining marks after ASCII, after CJK, at the start, stacked.
        "e\u{301}", "cafe\u{301}", "cafe\u{301} au lait", "abc\u{301}def", "大\u{301}", "大\u{301}同", "\u{301}",
        "\u{301}abc", "\u{301}大", "a\u{301}\u{302}\u{303}b", "x\u{20DD}", "大同\u{0308}日报",
        // ZWJ sequences, skin tones, flags, keycaps, tags, emoji presentation.
        "👨\u{200D}👩\u{200D}👧", "a👨\u{200D}👩\u{200D}👧b", "大👨\u{200D}👩\u{200D}👧同", "👍🏽", "大👍🏽同", "🇨🇳🇺🇸",
        "a🇨🇳b", "🇨🇳🇺", "大🇨🇳同", "1\u{FE0F}\u{20E3}", "#\u{20E3}", "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
        "a\u{200D}", "\u{200D}", "a\u{200D}b", "大\u{200D}同", "☺\u{FE0F}x",
        // Hangul: syllables, conjoining jamo L V T, L before a syllable, T after a syllable, compatibility jamo.
        "한국어", "\u{1100}\u{1161}\u{11A8}", "가\u{11A8}", "가\u{1161}", "\u{1100}가나", "한국\u{1100}\u{1161}어", "ㄱㅏ",
        "ㄱㅏ가", "ㄱ\u{200B}ㅏ", "a\u{1100}", "\u{11A8}a", "ᄀᄀᄀ각",
        // Full width, half width, ligatures, numerals, case folding.
        "ＡＢＣ１２３", "Ａ\u{301}", "ｶﾞ", "ﾊﾟﾝ", "ｶ\u{FF9E}大", "ﬁ", "ﬁnance", "oﬃce", "Ⅻ", "ⅻ", "Ⅻ世纪", "①②", "㍿", "㍿株",
        "Straße", "STRAẞE", "İstanbul", "ıi", "ΣΑΣ", "ὈΔΥΣΣΕΎΣ", "σας", "ǅ", "Ǆ大",
        // Scripts with marks, prepends, viramas and conjuncts.
        "مرحبا بالعالم", "\u{0600}1", "\u{0600}a", "ab\u{0600}cd", "大\u{0600}同", "क्षत्रिय", "हिन्दी", "क्\u{200D}ष",
        "\u{0915}\u{094D}\u{0937}", "สวัสดี", "ก\u{0E33}", "a\u{0E33}", "大\u{0E33}", "\u{0D4E}a",
        // Variation selectors, planes 2-3, kana sound marks.
        "葛\u{E0100}", "葛\u{E0100}城", "a\u{FE0F}", "大\u{FE0E}", "各\u{FE00}b", "𠀀", "𠀀大", "大𠀀", "大𠀀同", "\u{2F800}",
        "か\u{3099}", "カ\u{3099}キ", "か\u{309A}", "゛", "\u{3099}",
        // Spaces, zero-width and invisible characters, controls.
        "a\u{A0}b", "大\u{A0}同", "a\u{200B}b", "a\u{200B}\u{301}", "大\u{200B}同", "a\u{200C}b", "\u{FEFF}abc",
        "a\u{00AD}b",
        "大\u{00AD}\u{301}", "\u{3000}大\u{3000}", "\u{0}", "\t", "a\u{7F}b", "a\u{2028}b", "…", "●大", "大・同",
        // Mixed, as in the corpus.
        "APP使用", "2022年5月", "推进5G+智慧", "www.dtnews.cn", "東京タワー", "ジョン・スミス", "大同·日报", "“安智星”APP",
        // Words at the length limit.
        String(repeating: "a", count: 255), String(repeating: "a", count: 256),
        String(repeating: "A", count: 300) + "大",
        String(repeating: "é", count: 127) + "a", String(repeating: "a", count: 254) + "é",
        String(repeating: "a", count: 253) + "é", String(repeating: "a", count: 254) + "\u{301}",
        String(repeating: "a", count: 254) + "\u{301}x", "大" + String(repeating: "Ｚ", count: 256) + "同",
        String(repeating: "ﬁ", count: 128), String(repeating: "a", count: 255) + " x",
        String(repeating: "a", count: 300) + "\u{301}",
        String(repeating: "a", count: 200) + "Ｚ" + String(repeating: "b", count: 54),
        String(repeating: "a", count: 200) + "Ｚ" + String(repeating: "b", count: 55),
        String(repeating: "a", count: 254) + "B",
        String(repeating: "a", count: 255) + "B", "ab" + String(repeating: "C", count: 253) + "é",
    ]

    @Test func tortureListMatchesReference() {
        var stream = TokenStream()
        for text in Self.torture {
            Self.expectSame(text, &stream)
            // Each piece also inside ASCII and inside a CJK run, where the fast path borders it.
            Self.expectSame("ab" + text + "cd", &stream)
            Self.expectSame("大同" + text + "日报", &stream)
            Self.expectSame("x" + text, &stream)
            Self.expectSame(text + "大", &stream)
        }
    }

    @Test func seedFilesMatchReference() throws {
        let files = try SeedCorpus.files()
        #expect(files.count >= 5)
        var stream = TokenStream()
        for file in files {
            Self.expectSame(file.text, &stream, file.name)
            for line in file.text.split(separator: "\n", omittingEmptySubsequences: false) {
                Self.expectSame(String(line), &stream, file.name)
            }
        }
    }

    /// Pieces of the random texts: simple scalars of every kind and everything that is not.
    static let alphabet: [String] = [
        "a", "Z", "9", " ", ",", "-", "\n", "\r", "大", "同", "日", "가", "あ", "ア", "ー", "，", "Ａ", "ｚ", "。", "·", "—", "“",
        "ヽ", "\u{301}", "\u{308}", "\u{200D}", "\u{200B}", "\u{200C}", "\u{FE0F}", "\u{FE0E}", "\u{E0100}", "\u{1100}",
        "\u{1161}", "\u{11A8}", "\u{3099}", "\u{309A}", "\u{0600}", "🇨", "🇳", "👍", "🏽", "👨", "☺", "\u{20E3}", "ㄱ", "ㅏ",
        "ﬁ",
        "Ⅻ", "ß", "ẞ", "İ", "Σ", "ς", "م", "क", "\u{094D}", "ष", "\u{0E33}", "𠀀", "\u{2F800}", "\u{A0}", "\u{3000}",
        "㍿",
        "ｶ", "ﾞ", "\u{00AD}", "\u{FEFF}", "é", "\u{E0067}", "\u{E007F}", "…", "\u{0D4E}", "ǅ", "\u{0}",
    ]

    @Test func randomMixturesMatchReference() throws {
        let corpus = try SeedCorpus.files().map { Array($0.text.unicodeScalars) }
        var stream = TokenStream()
        for seed in UInt64(1)...8 {
            var rng = SplitMix64(seed: seed)
            for _ in 0..<2_000 {
                var text = ""
                for _ in 0..<Int.random(in: 0...24, using: &rng) {
                    if Int.random(in: 0..<8, using: &rng) == 0, let scalars = corpus.randomElement(using: &rng) {
                        // A slice of the corpus, cut anywhere (even inside a cluster).
                        let start = Int.random(in: 0..<scalars.count, using: &rng)
                        let end = min(scalars.count, start + Int.random(in: 0...12, using: &rng))
                        text.unicodeScalars.append(contentsOf: scalars[start..<end])
                    } else {
                        text += Self.alphabet.randomElement(using: &rng)!
                    }
                }
                Self.expectSame(text, &stream, "seed \(seed)")
            }
        }
    }

    @Test func fieldLengthIsLastEmittedPositionPlusOne() {
        var stream = TokenStream()
        #expect(stream.forEachToken(in: "") { _ in } == 0)
        #expect(stream.forEachToken(in: " ，。 ") { _ in } == 0)
        #expect(stream.forEachToken(in: "大同日报") { _ in } == 4)
        #expect(stream.forEachToken(in: "APP使用") { _ in } == 3)
        #expect(stream.forEachToken(in: "a b c ") { _ in } == 3)
        #expect(stream.forEachToken(in: "e\u{301}大") { _ in } == 2)
        // An over-long word takes a position but emits nothing: the length stops before it ...
        let long = String(repeating: "x", count: 256)
        #expect(stream.forEachToken(in: "a " + long) { _ in } == 1)
        #expect(stream.forEachToken(in: long) { _ in } == 0)
        // ... and counts it when a later token follows.
        var positions: [Int] = []
        #expect(stream.forEachToken(in: long + " b") { positions.append($0.position) } == 2)
        #expect(positions == [1])
        #expect(stream.forEachToken(in: String(repeating: "x", count: 255)) { _ in } == 1)
    }

    @Test func termsAreTheNormalizedBytes() {
        var stream = TokenStream()
        var tokens: [String] = []
        stream.forEachToken(in: "ＡＢＣ大同 Straße") {
            tokens.append("\(String(decoding: $0.term, as: UTF8.self))@\($0.position)")
        }
        #expect(tokens == ["abc@0", "大同@1", "同@2", "strasse@3"])
    }

    /// Every simple scalar normalizes and classifies on the fast path as `Normalizer` and
    /// `ScriptClass` do, and no two simple scalars form one grapheme cluster, before or after
    /// normalization.
    @Test func simpleScalarsAreSingleCharactersWithKnownNormalization() {
        let neighbours: [Unicode.Scalar] = ["a", "Z", "\n", " ", "大", "가", "あ", "ア", "ヾ", "，", "Ａ", "·", "—", "。"]
        var checked = 0
        // Simple scalars are all in the BMP; beyond it, a sample checks that four-byte scalars decode.
        for value in Array(UInt32(0)...0xFFFF) + Array(stride(from: UInt32(0x10000), through: 0x10FFFF, by: 97)) {
            guard let scalar = Unicode.Scalar(value) else { continue }
            var utf8 = Array(String(scalar).utf8)
            let simple = utf8.withUnsafeBufferPointer { SimpleScalar($0, at: 0) }
            #expect(simple.length == utf8.count)
            guard simple.isSimple else { continue }
            checked += 1
            let character = Character(scalar)
            var normalized = ""
            Normalizer.append(character, to: &normalized)
            let fastBytes = simple.ascii != 0 ? [simple.ascii] : utf8
            #expect(Array(normalized.utf8) == fastBytes, "U+\(String(value, radix: 16))")
            #expect(ScriptClass.of(Character(normalized)) == simple.scriptClass, "U+\(String(value, radix: 16))")
            for neighbour in neighbours {
                let before = String(String.UnicodeScalarView([neighbour, scalar]))
                let after = String(String.UnicodeScalarView([scalar, neighbour]))
                #expect(before.count == 2 && after.count == 2, "U+\(String(value, radix: 16))")
                #expect(Analyzer().normalize(before).count == 2, "U+\(String(value, radix: 16))")
                #expect(Analyzer().normalize(after).count == 2, "U+\(String(value, radix: 16))")
            }
            utf8.removeAll()
        }
        #expect(checked > 39_000)
    }
}
