import Foundation
import SouTestSupport
import Testing

@testable import SouAnalysis

/// Terms with their positions, the compact form most expectations are written in.
private func terms(_ tokens: [Token]) -> [String] {
    tokens.map { "\($0.term)@\($0.position)" }
}

@Suite(.offCooperativePool) struct AnalyzerTests {
    let analyzer = Analyzer()

    @Test func chineseRunGivesBigramsAndFinalUnigram() {
        let tokens = analyzer.tokens("大同日报")
        #expect(terms(tokens) == ["大同@0", "同日@1", "日报@2", "报@3"])
        #expect(tokens.map(\.kind) == [.cjkBigram, .cjkBigram, .cjkBigram, .cjkUnigram])
        #expect(tokens.map(\.range) == [0..<6, 3..<9, 6..<12, 9..<12])
    }

    @Test func singleCharacterRunIsOnlyAUnigram() {
        #expect(terms(analyzer.tokens("大")) == ["大@0"])
        #expect(terms(analyzer.tokens("a 大 b")) == ["a@0", "大@1", "b@2"])
    }

    @Test func fullWidthLettersAndDigitsFoldToAscii() {
        let tokens = analyzer.tokens("ＡＢＣ１２３")
        #expect(terms(tokens) == ["abc123@0"])
        #expect(tokens[0].range == 0..<18)
        #expect(analyzer.normalize("ＡＢＣ１２３，（）") == "abc123,()")
    }

    @Test func punctuationSplitsWords() {
        #expect(terms(analyzer.tokens("推进5G+智慧医疗")) == ["推进@0", "进@1", "5g@2", "智慧@3", "慧医@4", "医疗@5", "疗@6"])
        #expect(terms(analyzer.tokens("www.dtnews.cn")) == ["www@0", "dtnews@1", "cn@2"])
    }

    @Test func positionsContinueAcrossWordsAndRuns() {
        #expect(terms(analyzer.tokens("APP使用")) == ["app@0", "使用@1", "用@2"])
        #expect(terms(analyzer.tokens("2022年5月")) == ["2022@0", "年@1", "5@2", "月@3"])
        #expect(
            terms(analyzer.tokens("本报讯（记者 田雁）")) == [
                "本报@0", "报讯@1", "讯@2", "记者@3", "者@4", "田雁@5", "雁@6",
            ]
        )
    }

    @Test func japaneseAndKoreanRunsAreCJK() {
        #expect(terms(analyzer.tokens("東京タワー")) == ["東京@0", "京タ@1", "タワ@2", "ワー@3", "ー@4"])
        #expect(terms(analyzer.tokens("한국어 ok")) == ["한국@0", "국어@1", "어@2", "ok@3"])
        // Half-width katakana with a voiced mark composes to full width under NFKC.
        #expect(terms(analyzer.tokens("ｶﾞｲﾄﾞ")) == ["ガイ@0", "イド@1", "ド@2"])
        // Hangul compatibility jamo become conjoining jamo and compose into one syllable.
        #expect(terms(analyzer.tokens("ㄱㅏ")) == ["가@0"])
        // ・ (katakana middle dot) separates.
        #expect(terms(analyzer.tokens("ジョン・スミス")) == ["ジョ@0", "ョン@1", "ン@2", "スミ@3", "ミス@4", "ス@5"])
    }

    @Test func compatibilityCharactersNormalizeIntoRuns() {
        #expect(terms(analyzer.tokens("㍿")) == ["株式@0", "式会@1", "会社@2", "社@3"])
        #expect(analyzer.tokens("㍿").allSatisfy { $0.range == 0..<3 })
        // U+F900 (compatibility ideograph) → U+8C48.
        #expect(terms(analyzer.tokens("\u{F900}")) == ["\u{8C48}@0"])
        #expect(terms(analyzer.tokens("Straße ǅ ﬁ")) == ["strasse@0", "d\u{17E}@1", "fi@2"])
    }

    @Test func overlongWordsAreSkippedButTakeAPosition() {
        let long = String(repeating: "x", count: 256)
        #expect(terms(analyzer.tokens("a \(long) b")) == ["a@0", "b@2"])
        #expect(terms(analyzer.tokens(String(repeating: "y", count: 255))).count == 1)
    }

    @Test func separatorsOnlyGiveNothing() {
        #expect(analyzer.tokens("").isEmpty)
        #expect(analyzer.tokens(" ，。！？😀 \u{3000}「」").isEmpty)
        #expect(analyzer.querySlots("。").isEmpty)
    }

    @Test func querySlots() {
        #expect(
            analyzer.querySlots("大同日报") == [
                .term("大同", position: 0), .term("同日", position: 1), .term("日报", position: 2),
            ]
        )
        #expect(analyzer.querySlots("大") == [.cjkPrefix("大", position: 0)])
        #expect(analyzer.querySlots("APP使用") == [.term("app", position: 0), .term("使用", position: 1)])
        #expect(analyzer.querySlots("5G大") == [.term("5g", position: 0), .cjkPrefix("大", position: 1)])
        #expect(
            analyzer.querySlots("www.dtnews.cn") == [
                .term("www", position: 0), .term("dtnews", position: 1), .term("cn", position: 2),
            ]
        )
    }

    @Test func cjkPrefixMatching() {
        let slot = QuerySlot.cjkCharacter("大")
        #expect(slot.matches("大"))
        #expect(slot.matches("大同"))
        #expect(!slot.matches("大同日"))
        #expect(!slot.matches("同大"))
        #expect(!slot.matches("大\u{301}"))  // a different character (大 + combining acute)
        #expect(QuerySlot.term("大同").matches("大同"))
        #expect(!QuerySlot.term("大同").matches("大"))
    }

    @Test func rangesMapBackToOriginalText() throws {
        let text = "本报讯（记者 田雁 丁亚琴）ＡＢＣ１２３ www.dtnews.cn 推进5G+智慧医疗，Straße"
        let bytes = Array(text.utf8)
        for token in analyzer.tokens(text) {
            let source = try #require(String(validating: bytes[token.range], as: UTF8.self))
            #expect(analyzer.normalize(source) == token.term, "\(token)")
        }
    }
}
