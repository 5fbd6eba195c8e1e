import SouAnalysis
import SouDocument
import SouTestSupport
import Testing

@testable import SouQuery

/// Snippets of long fields analyze one region around a match, not the whole field: what they
/// highlight is exactly what analyzing the whole field finds there.
@Suite(.offCooperativePool) struct SnippetRegionTests {
    @Test func regionMatchesAreWholeFieldMatches() throws {
        let seed: UInt64 = 0x5E6104
        print("SnippetRegionTests seed", seed)
        var random = SplitMix64(seed: seed)
        let paragraphs = try SeedCorpus.paragraphDocuments().map { $0.fields[0].value }
        let analyzer = Analyzer()
        var regionsUsed = 0
        for round in 0..<60 {
            // A field of 20–120 KiB of seed paragraphs, some English words and upper case mixed in.
            var text = ""
            let target = 20_000 + Int(random.next() % 100_000)
            while text.utf8.count < target {
                text += paragraphs[Int(random.next() % UInt64(paragraphs.count))]
                text += random.next() % 3 == 0 ? " Alpha beta GAMMA delta. " : "\n"
            }
            // A query cut from a random place of the field: a CJK substring, a word or a lone character.
            let tokens = analyzer.tokens(text)
            let token = tokens[Int(random.next() % UInt64(tokens.count))]
            let query: String
            switch token.kind {
            case .word: query = random.next() % 2 == 0 ? token.term : String(token.term.prefix(2)) + "*"
            case .cjkBigram: query = random.next() % 3 == 0 ? String(token.term.prefix(1)) : token.term
            case .cjkUnigram: query = token.term
            }
            let builder = SnippetBuilder(
                query: try QueryParser().parse(query),
                analyzer: analyzer,
                highlight: .init(open: "[", close: "]"),
                length: 120
            )
            let field = Document.Field(name: "body", value: text)
            let whole = try builder.matchRanges(in: field)
            let passage = try builder.passage(in: field)
            let context = "round \(round): \(query) in \(text.utf8.count) bytes"
            try #require(!whole.isEmpty, "\(context)")
            #expect(!passage.ranges.isEmpty, "\(context)")
            let shifted = passage.ranges.map { ($0.lowerBound + passage.offset)..<($0.upperBound + passage.offset) }
            for range in shifted {
                #expect(whole.contains(range), "\(context): \(range) is not a whole-field match")
            }
            // The passage is the region's text, cut where the field can be cut.
            let bytes = Array(text.utf8)
            #expect(
                Array(passage.text.utf8) == Array(bytes[passage.offset..<(passage.offset + passage.text.utf8.count)])
            )
            #expect(SnippetRegion.isCut(bytes, passage.offset))
            // The first candidate of a term cut from the text is a match: one region suffices.
            let size = SnippetRegion.bytes(snippetLength: 120)
            if passage.text.utf8.count <= size + 512 { regionsUsed += 1 }
            let snippet = try builder.snippet(for: Document(id: "x", fields: [field]))
            #expect(snippet.contains("["), "\(context): \(snippet)")
        }
        #expect(regionsUsed == 60)
    }

    /// A match that only analysis sees (upper case, fullwidth letters) is still found: the
    /// byte scan misses it, so regions follow each other until one holds it.
    @Test func matchesHiddenFromTheByteScanAreFound() throws {
        let filler = String(repeating: "这是一个很长的句子，没有要找的词。", count: 400)
        let text = filler + " ＡＰＰＬＥ pie " + filler
        let builder = SnippetBuilder(
            query: try QueryParser().parse("apple"),
            analyzer: Analyzer(),
            highlight: .init(open: "[", close: "]"),
            length: 60
        )
        let snippet = try builder.snippet(for: Document(id: "x", fields: [.init(name: "body", value: text)]))
        #expect(snippet.contains("[ＡＰＰＬＥ]"), "\(snippet)")
        #expect(snippet.hasPrefix("…") && snippet.hasSuffix("…"))
    }

    /// A match the byte scan cannot see, before a candidate that is no match, is still found:
    /// the bytes skipped on the way to the candidate are analyzed when no candidate matches.
    @Test func bytesBeforeAFalseCandidateAreAnalyzedToo() throws {
        let filler = String(repeating: "这是一个很长的句子，没有要找的词。", count: 400)
        let text = "Die Straße ist lang. " + filler + " Strassenbahn fährt. " + filler
        let builder = SnippetBuilder(
            query: try QueryParser().parse("strasse"),
            analyzer: Analyzer(),
            highlight: .init(open: "[", close: "]"),
            length: 60
        )
        let snippet = try builder.snippet(for: Document(id: "x", fields: [.init(name: "body", value: text)]))
        #expect(snippet.contains("[Straße]"), "\(snippet)")
    }

    /// Every byte of the field is analyzed at most once, whatever the candidates: the regions
    /// tried are disjoint and never leave a byte before a region unvisited when nothing matches.
    @Test func regionsAreDisjointAndCoverTheFieldWhenNothingMatches() {
        let words = ["alpha", "beta", "gamma", "中文", "字"]
        var random = SplitMix64(seed: 0x5E6105)
        for round in 0..<50 {
            let text = Array(
                (0..<(2_000 + Int(random.next() % 8_000))).map { _ in words[Int(random.next() % 5)] }
                    .joined(separator: random.next() % 2 == 0 ? " " : "").utf8
            )
            let needles = [Array("beta".utf8), Array("中文".utf8), Array("zzz".utf8)]
            var regions: [Range<Int>] = []
            SnippetRegion.forEach(in: text, needles: needles, size: 2_048) { region in
                regions.append(region.range)
                return false
            }
            let sorted = regions.sorted { $0.lowerBound < $1.lowerBound }
            #expect(sorted.first?.lowerBound == 0, "round \(round)")
            #expect(sorted.last?.upperBound == text.count, "round \(round)")
            for index in 1..<sorted.count {
                #expect(sorted[index - 1].upperBound == sorted[index].lowerBound, "round \(round): gap or overlap")
            }
            #expect(regions.allSatisfy { !$0.isEmpty })
        }
    }

    /// Cuts never fall inside a word, and between CJK characters only between two ideographs.
    @Test func cutsKeepWordsWhole() {
        let text = Array("abc def,中文字 x\u{301}y".utf8)
        let cuts = (0...text.count).filter { SnippetRegion.isCut(text, $0) }
        // 0, before " ", before ",", between 中|文 and 文|字, before " ", the end.
        #expect(cuts == [0, 3, 7, 11, 14, 17, text.count], "\(cuts)")
    }
}
