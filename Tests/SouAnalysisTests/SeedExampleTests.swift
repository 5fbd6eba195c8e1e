import Foundation
import SouTestSupport
import Testing

@testable import SouAnalysis

/// Analysis of passages taken verbatim from `seeds/`: each passage must really occur in the
/// corpus, analyze to the expected terms, and analyze the same way inside its full line
/// (same terms at the same relative positions).
@Suite(.offCooperativePool) struct SeedExampleTests {
    static let seedText: String = {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("seeds")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().filter { $0.hasSuffix(".txt") }
            .compactMap { try? String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8) }
            .joined(separator: "\n")
    }()

    static let examples: [(passage: String, terms: [String])] = [
        ("大同日报社出版", ["大同@0", "同日@1", "日报@2", "报社@3", "社出@4", "出版@5", "版@6"]),
        ("推进5G+智慧医疗发展", ["推进@0", "进@1", "5g@2", "智慧@3", "慧医@4", "医疗@5", "疗发@6", "发展@7", "展@8"]),
        ("www.dtnews.cn", ["www@0", "dtnews@1", "cn@2"]),
        ("“安智星”APP正式上线", ["安智@0", "智星@1", "星@2", "app@3", "正式@4", "式上@5", "上线@6", "线@7"]),
        ("手机APP和网办业务", ["手机@0", "机@1", "app@2", "和网@3", "网办@4", "办业@5", "业务@6", "务@7"]),
        ("本报讯（记者 田雁 丁亚琴）", ["本报@0", "报讯@1", "讯@2", "记者@3", "者@4", "田雁@5", "雁@6", "丁亚@7", "亚琴@8", "琴@9"]),
        ("国内统一刊号：CN14—0019", ["国内@0", "内统@1", "统一@2", "一刊@3", "刊号@4", "号@5", "cn14@6", "0019@7"]),
        ("2.0GW单晶组件", ["2@0", "0gw@1", "单晶@2", "晶组@3", "组件@4", "件@5"]),
        ("体验VR动画", ["体验@0", "验@1", "vr@2", "动画@3", "画@4"]),
        ("测温 and 戴口罩", ["测温@0", "温@1", "and@2", "戴口@3", "口罩@4", "罩@5"]),
    ]

    @Test func passagesFromSeedsAnalyzeAsDocumented() throws {
        #expect(Self.seedText.count > 20_000, "seeds/ not found")
        let analyzer = Analyzer()
        for (passage, expected) in Self.examples {
            #expect(Self.seedText.contains(passage), "\(passage) is not in seeds/")
            let tokens = analyzer.tokens(passage)
            #expect(tokens.map { "\($0.term)@\($0.position)" } == expected, "\(passage)")
            // Inside its whole line the passage yields the same terms, shifted by one offset.
            let line = try #require(Self.seedText.split(separator: "\n").first { $0.contains(passage) })
            let inLine = analyzer.tokens(String(line))
            let terms = tokens.map(\.term)
            let found = inLine.indices.contains { start in
                guard start + terms.count <= inLine.count else { return false }
                let window = inLine[start..<(start + terms.count)]
                let shift = inLine[start].position - tokens[0].position
                // The passage's last CJK character may continue the line's run: then the line has a
                // bigram where the passage has the final unigram.
                return zip(window, tokens).dropLast().allSatisfy {
                    $0.term == $1.term && $0.position == $1.position + shift
                }
                    && window.last.map { $0.term.hasPrefix(tokens.last!.term) } == true
            }
            #expect(found, "\(passage) analyzes differently inside its line")
        }
    }

    @Test func seedTextNormalizesFullWidthPunctuationAndKeepsHan() {
        let analyzer = Analyzer()
        #expect(analyzer.normalize("本报讯（记者 田雁 丁亚琴）") == "本报讯(记者 田雁 丁亚琴)")
        #expect(analyzer.normalize("国内统一刊号：CN14—0019") == "国内统一刊号:cn14—0019")
        // Every Han character of the corpus is its own normal form (the fast path holds).
        let han = Self.seedText.filter { ScriptClass.of($0) == .cjk }
        #expect(han.count > 10_000)
        #expect(analyzer.normalize(han) == han)
    }
}
