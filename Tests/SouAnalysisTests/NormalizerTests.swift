import SouTestSupport
import Testing

@testable import SouAnalysis

@Suite(.offCooperativePool) struct NormalizerTests {
    @Test func fastPathsAgreeWithICU() {
        var checked = 0
        for value in UInt32(0)...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let isFast =
                value < 0x80 || Normalizer.isIdentity(value) || (value >= 0xFF01 && value <= 0xFF5E)
            guard isFast else { continue }
            let character = Character(scalar)
            var fast = ""
            Normalizer.append(character, to: &fast)
            #expect(fast == Normalizer.icuNormalize(character), "U+\(String(value, radix: 16))")
            checked += 1
        }
        #expect(checked > 39_000)
        var crlf = ""
        Normalizer.append("\r\n", to: &crlf)
        #expect(crlf == "\r\n")
    }

    @Test func nfkcAndFullCaseFolding() {
        let normalizer = Normalizer()
        #expect(normalizer.normalize("ＡＢＣ１２３") == "abc123")
        #expect(normalizer.normalize("，（）：；") == ",():;")
        #expect(normalizer.normalize("Straße İ ΣΑΣ") == "strasse i\u{307} σασ")
        #expect(normalizer.normalize("\u{3000}") == " ")
        #expect(normalizer.normalize("㍿①") == "株式会社1")
        #expect(normalizer.normalize("e\u{301}") == "\u{E9}")
        #expect(normalizer.normalize("a\u{200B}b\u{00AD}c") == "abc")  // default ignorables vanish
    }

    @Test func isPerCharacter() {
        let normalizer = Normalizer()
        let text = "大同日报ＡＢＣ ㄱㅏ ｶﾞ 𠀀 😀👍🏽 \r\n"
        let concatenated = text.map { Normalizer.icuNormalize($0) }.joined()
        #expect(normalizer.normalize(text).unicodeScalars.elementsEqual(concatenated.unicodeScalars))
    }

    @Test func scriptClasses() {
        #expect(ScriptClass.of("大") == .cjk)
        #expect(ScriptClass.of("\u{20000}") == .cjk)
        #expect(ScriptClass.of("あ") == .cjk)
        #expect(ScriptClass.of("ア") == .cjk)
        #expect(ScriptClass.of("ー") == .cjk)
        #expect(ScriptClass.of("한") == .cjk)
        #expect(ScriptClass.of("ㄅ") == .cjk)
        #expect(ScriptClass.of("々") == .cjk)
        #expect(ScriptClass.of("a") == .word)
        #expect(ScriptClass.of("7") == .word)
        #expect(ScriptClass.of("é") == .word)
        #expect(ScriptClass.of("ж") == .word)
        #expect(ScriptClass.of("・") == .separator)
        #expect(ScriptClass.of("。") == .separator)
        #expect(ScriptClass.of("😀") == .separator)
        #expect(ScriptClass.of(" ") == .separator)
        #expect(ScriptClass.of("_") == .separator)
    }
}
