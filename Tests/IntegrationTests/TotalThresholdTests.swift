import Foundation
import SouTestSupport
import Testing

/// `SEARCH total=…` and `total_threshold` against a real `soud`: past the threshold the total
/// is a lower bound (`total=N+`, `"total_exact": false`), the hits do not change, and
/// `COUNT` stays exact.
@Suite(.offCooperativePool) struct TotalThresholdTests {
    /// 40 documents that all hold 教育, ranked by how often.
    static func load(_ fixture: DaemonFixture) throws {
        let connection = try fixture.connect()
        for number in 0..<40 {
            let body = String(repeating: "教育 ", count: 1 + number % 7) + "文本 \(number)"
            #expect(try connection.request(#"ADD {"id":"d\#(number)","body":"\#(body)"}"#).isOK)
        }
        #expect(try connection.request("COMMIT").isOK)
    }

    static func hits(_ lines: [String]) -> [String] { lines.filter { $0.hasPrefix("HIT ") } }

    @Test func pastTheThresholdTheTotalIsALowerBound() async throws {
        let fixture = try await DaemonFixture.start()
        try Self.load(fixture)
        let connection = try fixture.connect()
        // Two words: their matches are counted by visiting them.
        let exact = try connection.request("SEARCH snippet=off limit=5 total=exact -- 教育 文本")
        #expect(exact.final.contains(" total=40 "), "\(exact.final)")
        let bounded = try connection.request("SEARCH snippet=off limit=5 total=10 -- 教育 文本")
        #expect(bounded.final.contains(" total=10+ "), "\(bounded.final)")
        #expect(Self.hits(bounded.lines) == Self.hits(exact.lines))
        // Exactly at the threshold the total is exact: 40 matches, threshold 40.
        let atThreshold = try connection.request("SEARCH snippet=off limit=5 total=40 -- 教育 文本")
        #expect(atThreshold.final.contains(" total=40 "), "\(atThreshold.final)")
        // One word: its document frequency is the exact total, known without counting.
        let single = try connection.request("SEARCH snippet=off limit=5 total=10 -- 教育")
        #expect(single.final.contains(" total=40 "), "\(single.final)")
        #expect(Self.hits(single.lines) == Self.hits(try connection.request("SEARCH snippet=off limit=5 教育").lines))
        // The daemon's default (10000) counts these exactly.
        #expect(try connection.request("SEARCH snippet=off 教育").final.contains(" total=40 "))
        #expect(try connection.request("COUNT 教育").final == "OK 40")
        #expect(try connection.request("SEARCH total=many 教育").final.hasPrefix("ERR SYNTAX"))
        #expect(try connection.request("SEARCH total=-1 教育").final.hasPrefix("ERR SYNTAX"))

        #expect(try connection.request("JSON on").isOK)
        let json = try connection.request("SEARCH snippet=off limit=2 total=3 -- 教育 文本")
        let object = try #require(jsonObject(json.final))
        #expect(object["total"] as? Int == 3)
        #expect(object["total_exact"] as? Bool == false)
        let exactJSON = try #require(jsonObject(try connection.request("SEARCH snippet=off total=exact 教育").final))
        #expect(exactJSON["total"] as? Int == 40 && exactJSON["total_exact"] as? Bool == true)
    }

    @Test func theDaemonSettingAndTheCLI() async throws {
        let fixture = try await DaemonFixture.start(["--total-threshold", "25"])
        try Self.load(fixture)
        let connection = try fixture.connect()
        #expect(try connection.request("SEARCH snippet=off 教育 文本").final.contains(" total=25+ "))
        #expect(try connection.request("SEARCH snippet=off total=exact 教育 文本").final.contains(" total=40 "))
        #expect(try connection.request("COUNT 教育").final == "OK 40")

        let bounded = try fixture.sou(["search", "--no-snippet", "教育", "文本"])
        #expect(bounded.status == 0)
        #expect(bounded.standardError.contains("25+ matching documents"), "\(bounded.standardError)")
        let exact = try fixture.sou(["search", "--no-snippet", "--total", "exact", "教育", "文本"])
        #expect(exact.standardError.contains("40 matching documents"), "\(exact.standardError)")
        let json = try fixture.sou(["search", "--json", "--no-snippet", "--total", "7", "教育", "文本"])
        let object = try #require(jsonObject(json.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(object["total"] as? Int == 7 && object["total_exact"] as? Bool == false)
        let refused = try fixture.sou(["search", "--total", "lots", "教育"])
        #expect(refused.status != 0 && refused.standardError.contains("--total"), "\(refused.standardError)")
    }

    /// The CLI groups thousands: "10,000+ matching documents" past the default threshold.
    @Test func theCLIGroupsThousands() async throws {
        let fixture = try await DaemonFixture.start(["--total-threshold", "1000"])
        let lines = (0..<1_200).map { #"{"id":"n\#($0)","body":"新闻 报道 \#($0)"}"# }
        let file = fixture.directory.appending("n.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try fixture.sou(["index", file]).status == 0)
        let bounded = try fixture.sou(["search", "--no-snippet", "新闻", "报道"])
        #expect(bounded.standardError.contains("1,000+ matching documents"), "\(bounded.standardError)")
        let exact = try fixture.sou(["search", "--no-snippet", "--total", "exact", "新闻", "报道"])
        #expect(exact.standardError.contains("1,200 matching documents"), "\(exact.standardError)")
    }
}
