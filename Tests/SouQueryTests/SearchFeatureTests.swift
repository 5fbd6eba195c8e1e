import SouDocument
import SouFormat
import SouIndex
import SouQuery
import SouTestSupport
import Testing

/// Query features beyond `SearcherTests`: explicit operators, grouped negation, field phrases,
/// phrases with lone CJK characters, paging, and snippet windows on long seed text.
@Suite(.offCooperativePool) struct SearchFeatureTests {
    static let documents =
        SearcherTests.documents + [
            Document(id: "6", fields: [.init(name: "body", value: "大同大学大 学术")]),
            Document(id: "7", fields: [.init(name: "body", value: "学大，大 学")]),
        ]

    func ids(_ query: String, segments: Int) throws -> Set<String> {
        let fixture = try SnapshotFixture(documents: Self.documents, segmentCount: segments)
        let result = try Searcher(snapshot: fixture.snapshot).search(query, options: .init(limit: 100, snippets: false))
        #expect(result.total == result.hits.count)
        return Set(result.hits.map(\.id))
    }

    @Test(arguments: [1, 2, 4])
    func operatorsGroupsAndFields(segments: Int) throws {
        #expect(try ids("大同 AND 教育", segments: segments) == ["1", "5"])
        #expect(try ids("(大同 OR 科技) -(日报 OR 平城)", segments: segments) == ["5", "6"])
        #expect(try ids("(大同 OR 科技) NOT 教育", segments: segments) == ["2", "6"])
        #expect(try ids("educ* OR 5g", segments: segments) == ["1", "3"])
        #expect(try ids("title:\"大同日报\"", segments: segments) == ["1"])
        #expect(try ids("body:\"大同日报\"", segments: segments) == [])
        #expect(try ids("title:(日报 OR 新闻)", segments: segments) == ["1", "2"])
        #expect(try ids("body:大同 -title:日报", segments: segments) == ["5", "6"])
    }

    /// A lone CJK character inside a phrase is a slot: its bigrams and final unigram, positions merged.
    @Test(arguments: [1, 3])
    func phrasesWithLoneCJKCharacters(segments: Int) throws {
        #expect(try ids("\"5G+智\"", segments: segments) == ["1"])
        #expect(try ids("\"5G 大\"", segments: segments) == [])
        #expect(try ids("\"大 同\"", segments: segments) == ["1", "5", "6"])
        // 大 occurs at positions 0, 2 and 4 of 大同大学大 (bigrams 大同, 大学, unigram 大): merged,
        // the phrase finds 大学 at 2. In 学大，大 学 it finds 大 at 2 and 学 at 3 (the separators
        // take no position, as in the index).
        #expect(try ids("\"大 学\"", segments: segments) == ["6", "7"])
        #expect(try ids("\"学 大\"", segments: segments) == ["6", "7"])
    }

    @Test func pagesConcatenateToTheFullRanking() throws {
        let fixture = try SnapshotFixture(documents: Self.documents, segmentCount: 2)
        let searcher = Searcher(snapshot: fixture.snapshot)
        let query = "大 OR 科技 OR education OR 学"
        let full = try searcher.search(query, options: .init(limit: 100, snippets: false))
        #expect(full.total == full.hits.count && full.total >= 6)
        var paged: [SearchHit] = []
        for offset in stride(from: 0, to: full.total, by: 2) {
            let page = try searcher.search(query, options: .init(limit: 2, offset: offset, snippets: false))
            #expect(page.total == full.total)
            paged += page.hits
        }
        #expect(paged == full.hits)
        let beyond = try searcher.search(query, options: .init(limit: 5, offset: full.total + 3, snippets: false))
        #expect(beyond.hits.isEmpty && beyond.total == full.total)
        #expect(try searcher.count(query) == full.total)
        let unlimited = try searcher.search(query, options: .init(limit: .max, offset: 2, snippets: false))
        #expect(unlimited.hits == Array(full.hits.dropFirst(2)))
        #expect(zip(full.hits, full.hits.dropFirst()).allSatisfy { $0.score >= $1.score })
    }

    /// The dictionary matches prefixes by bytes; the snippet must highlight the same terms,
    /// also one whose first letter carries a combining mark with no precomposed form (q̣).
    @Test func prefixHighlightMatchesByBytes() throws {
        let documents = [Document(id: "m", fields: [.init(name: "body", value: "the q\u{0323}uick fox")])]
        let fixture = try SnapshotFixture(documents: documents)
        let result = try Searcher(snapshot: fixture.snapshot).search(
            "qu* OR q*",
            options: .init(highlight: .init(open: "[", close: "]"))
        )
        #expect(result.total == 1)
        #expect(result.hits.first?.snippet == "the [q\u{0323}uick] fox")
    }

    /// Control characters in stored text (ESC sequences, the CLI's \u{1}/\u{2} markers)
    /// never reach a snippet: they become spaces like line breaks.
    @Test func snippetsHoldNoControlCharacters() throws {
        let documents = [
            Document(id: "c", fields: [.init(name: "body", value: "a\u{1B}[31mred\u{1}\u{2}\u{7F} zebra\u{0}end")])
        ]
        let fixture = try SnapshotFixture(documents: documents)
        let result = try Searcher(snapshot: fixture.snapshot).search(
            "zebra",
            options: .init(highlight: .init(open: "\u{1}", close: "\u{2}"))
        )
        #expect(result.hits.first?.snippet == "a [31mred \u{1}zebra\u{2} end")
    }

    /// Unicode line breaks beyond the C0 controls (NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR)
    /// and the other C1 controls become spaces too.
    @Test func snippetsHoldNoUnicodeLineBreaks() throws {
        let documents = [
            Document(id: "u", fields: [.init(name: "body", value: "第一行中文\u{2028}第二行\u{85}第三\u{2029}\u{9B}行 é")])
        ]
        let fixture = try SnapshotFixture(documents: documents)
        let result = try Searcher(snapshot: fixture.snapshot).search(
            "中文",
            options: .init(highlight: .init(open: "[", close: "]"))
        )
        #expect(result.hits.first?.snippet == "第一行[中文] 第二行 第三 行 é")
    }

    /// A lone CJK character does not match (nor highlight) the same character carrying a
    /// combining mark: the index treats them as different characters.
    @Test func loneCJKCharacterDoesNotHighlightItWithACombiningMark() throws {
        let documents = [Document(id: "k", fields: [.init(name: "body", value: "中\u{0301}文 中国")])]
        let fixture = try SnapshotFixture(documents: documents)
        let result = try Searcher(snapshot: fixture.snapshot).search(
            "中",
            options: .init(highlight: .init(open: "«", close: "»"))
        )
        #expect(result.hits.first?.snippet == "中\u{0301}文 «中»国")
    }

    /// `word*` expands in every script that is not CJK, also above U+2E80 (Yi, Latin
    /// Extended-D, Deseret in plane 1).
    @Test func prefixExpandsInScriptsAboveCJKRadicals() throws {
        let words = ["ꀀꀁꀂ", "𐐨𐐩", "ꞵeta"]
        let documents = words.enumerated().map {
            Document(id: "p\($0.offset)", fields: [.init(name: "body", value: $0.element)])
        }
        let fixture = try SnapshotFixture(documents: documents)
        let searcher = Searcher(snapshot: fixture.snapshot)
        for (index, prefix) in ["ꀀ*", "𐐨*", "ꞵ*"].enumerated() {
            #expect(try searcher.search(prefix).hits.map(\.id) == ["p\(index)"], "\(prefix)")
        }
        #expect(try searcher.count("ꞵe*") == 1)
        #expect(try searcher.count("ꀀꀁ*") == 1)
    }

    @Test func loneCJKCharacterHighlightsOnlyThatCharacter() throws {
        let fixture = try SnapshotFixture(documents: Self.documents)
        let searcher = Searcher(snapshot: fixture.snapshot)
        let hit = try #require(
            try searcher.search("局", options: .init(highlight: .init(open: "[", close: "]"))).hits.first
        )
        #expect(hit.snippet == "大同市教育[局]召开会议，推进5G+智慧教育。")
        let phrase = try searcher.search("\"5G+智\"", options: .init(highlight: .init(open: "<", close: ">")))
        #expect(phrase.hits.first?.snippet?.contains("<5G+智>") == true)
    }

    /// On a long seed paragraph the snippet is a window of at most `snippetLength` characters of
    /// the original text around the match, cut on character boundaries, with ellipses.
    @Test func snippetWindowsOnLongCJKText() throws {
        let paragraphs = try SeedCorpus.paragraphDocuments().filter { $0.fields[0].value.count > 400 }
        let document = try #require(paragraphs.first)
        let text = document.fields[0].value
        let characters = Array(text)
        // A 4-character CJK string from late in the paragraph.
        let start = characters.count * 3 / 4
        let needle = try #require(
            (start..<(characters.count - 4)).lazy.map { String(characters[$0..<($0 + 4)]) }
                .first { candidate in
                    candidate.unicodeScalars.allSatisfy { $0.value >= 0x4E00 && $0.value <= 0x9FFF }
                        && text.split(separator: candidate, omittingEmptySubsequences: false).count == 2  // only once
                }
        )
        let fixture = try SnapshotFixture(documents: [document])
        var options = SearchOptions(highlight: .init(open: "⟦", close: "⟧"))
        options.snippetLength = 40
        let snippet = try #require(
            try Searcher(snapshot: fixture.snapshot).search(needle, options: options).hits.first?.snippet
        )
        #expect(snippet.contains("⟦\(needle)⟧"), "\(snippet)")
        #expect(snippet.hasPrefix("…"), "\(snippet)")
        let plain = snippet.replacingOccurrences(of: "⟦", with: "").replacingOccurrences(of: "⟧", with: "")
            .trimmingCharacters(in: ["…"])
        #expect(plain.count <= 40, "\(plain.count): \(snippet)")
        #expect(plain.count >= 30, "\(plain.count): \(snippet)")
        #expect(text.contains(plain), "\(snippet)")
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }

    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
