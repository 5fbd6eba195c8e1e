import Foundation
import SouTestSupport
import Testing

@testable import SouAnalysis

/// Seed texts as arrays of characters, plus tricky characters to sprinkle in.
private let seedTexts: [[Character]] = {
    let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../seeds").standardized
    let names = (try? FileManager.default.contentsOfDirectory(atPath: seeds.path)) ?? []
    return names.filter { $0.hasSuffix(".txt") }.sorted().compactMap {
        (try? String(contentsOf: seeds.appendingPathComponent($0), encoding: .utf8)).map(Array.init)
    }
}()

private let tricky: [Character] = [
    "Ａ", "ｚ", "１", "，", "（", "）", "\u{3000}", " ", "ｶ", "ﾞ", "ｶﾞ", "ㄱ", "ㅏ", "가", "\u{1100}", "\u{1161}",
    "㍿", "㈠", "①", "豈", "\u{FA0E}", "\u{2F00}", "\u{20000}", "ß", "İ", "ﬁ", "e\u{301}", "大\u{301}",
    "\u{301}", "\u{200B}", "😀", "👍🏽", "\r\n", "・", "ー", "あ", "ア", "한", "ㄅ", "々", "x", "Z", "9", "-", ".",
]

/// Character-level substring test (canonical equivalence per grapheme cluster), the definition
/// of "contains" used by the exactness property and the oracle.
func characterContains(_ haystack: [Character], _ needle: [Character]) -> Bool {
    guard !needle.isEmpty else { return true }
    guard needle.count <= haystack.count else { return false }
    for start in 0...(haystack.count - needle.count)
    where haystack[start..<(start + needle.count)].elementsEqual(needle) {
        return true
    }
    return false
}

/// Whether the analyzed query slots match some position of the field's tokens.
func slotsMatch(_ slots: [PositionedQuerySlot], _ tokens: [Token]) -> Bool {
    guard !slots.isEmpty else { return false }
    var byPosition: [Int: [String]] = [:]
    for token in tokens { byPosition[token.position, default: []].append(token.term) }
    return byPosition.keys.contains { base in
        slots.allSatisfy { slot in
            (byPosition[base + slot.position] ?? []).contains { slot.matches($0) }
        }
    }
}

@Suite(.offCooperativePool) struct AnalyzerPropertyTests {
    let analyzer = Analyzer()

    private func randomText(_ rng: inout SplitMix64) -> String {
        var out: [Character] = []
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            if Bool.random(using: &rng), let text = seedTexts.randomElement(using: &rng), !text.isEmpty {
                let start = Int.random(in: 0..<text.count, using: &rng)
                let length = Int.random(in: 0...40, using: &rng)
                out += text[start..<min(text.count, start + length)]
            } else {
                for _ in 0..<Int.random(in: 1...6, using: &rng) { out.append(tricky.randomElement(using: &rng)!) }
            }
        }
        return String(out)
    }

    /// Brute force over the characters of `normalize(text)`: expected (term, position, kind).
    private func expectedTokens(_ text: String) -> [String] {
        let chars = Array(analyzer.normalize(text))
        var out: [String] = []
        var position = 0
        var i = 0
        while i < chars.count {
            let cls = ScriptClass.of(chars[i])
            var j = i
            while j < chars.count && ScriptClass.of(chars[j]) == cls { j += 1 }
            switch cls {
            case .separator: break
            case .word:
                let word = String(chars[i..<j])
                if word.utf8.count <= Analyzer.maxWordBytes { out.append("\(word)@\(position)") }
                position += 1
            case .cjk:
                for k in i..<(j - 1) { out.append("\(String(chars[k...k + 1]))@\(position + k - i)") }
                out.append("\(chars[j - 1])@\(position + j - 1 - i)")
                position += j - i
            }
            i = j
        }
        return out
    }

    @Test func tokensMatchBruteForce() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("AnalyzerPropertyTests.tokensMatchBruteForce seed", seed)
        var rng = SplitMix64(seed: seed)
        #expect(seedTexts.count >= 5)
        for _ in 0..<1500 {
            let text = randomText(&rng)
            let tokens = analyzer.tokens(text)
            let actual = tokens.map { "\($0.term)@\($0.position)" }
            let expected = expectedTokens(text)
            // String == compares canonically; composed terms of re-assembled characters are equal.
            #expect(
                actual.count == expected.count && zip(actual, expected).allSatisfy { $0 == $1 },
                "seed \(seed) text \(text.debugDescription)"
            )
            let bytes = Array(text.utf8)
            for token in tokens {
                let source = try #require(String(validating: bytes[token.range], as: UTF8.self))
                #expect(
                    analyzer.normalize(source).contains(token.term),
                    "seed \(seed) \(token) in \(text.debugDescription)"
                )
            }
        }
    }

    @Test func cjkQueriesMatchExactlyTheSubstrings() {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("AnalyzerPropertyTests.cjkQueriesMatchExactlyTheSubstrings seed", seed)
        var rng = SplitMix64(seed: seed)
        var positives = 0
        var negatives = 0
        for _ in 0..<400 {
            let document = randomText(&rng)
            let normalizedDocument = Array(analyzer.normalize(document))
            let tokens = analyzer.tokens(document)
            for _ in 0..<10 {
                // Half the queries come from the document itself, half from anywhere.
                let source = Bool.random(using: &rng) ? document : randomText(&rng)
                let chars = Array(source)
                guard !chars.isEmpty else { continue }
                let start = Int.random(in: 0..<chars.count, using: &rng)
                let query = String(chars[start..<min(chars.count, start + Int.random(in: 1...5, using: &rng))])
                let normalizedQuery = Array(analyzer.normalize(query))
                guard !normalizedQuery.isEmpty, normalizedQuery.allSatisfy({ ScriptClass.of($0) == .cjk }) else {
                    continue
                }
                let expected = characterContains(normalizedDocument, normalizedQuery)
                let actual = slotsMatch(analyzer.querySlots(query), tokens)
                #expect(
                    actual == expected,
                    "seed \(seed) query \(query.debugDescription) doc \(document.debugDescription)"
                )
                if expected { positives += 1 } else { negatives += 1 }
            }
        }
        #expect(positives > 100 && negatives > 100)
    }
}
