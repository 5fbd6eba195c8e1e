import Foundation
import SouTestSupport
import Testing

/// `bm25_k1`/`bm25_b` reach the daemon's searches.
@Suite(.offCooperativePool) struct RankingSettingsTests {
    /// Scores of the two documents for `apple`: one says it three times in a long body, one once
    /// in a short body.
    func scores(_ arguments: [String]) async throws -> [String: Double] {
        let fixture = try await DaemonFixture.start(arguments)
        let connection = try fixture.connect()
        #expect(
            try connection.request(#"ADD {"id":"many","body":"apple apple apple banana cherry date elder fig grape"}"#)
                .isOK
        )
        #expect(try connection.request(#"ADD {"id":"once","body":"apple kiwi"}"#).isOK)
        #expect(try connection.request("COMMIT").isOK)
        let reply = try connection.request("SEARCH snippet=off apple")
        var scores: [String: Double] = [:]
        for line in reply.lines where line.hasPrefix("HIT ") {
            let parts = line.split(separator: " ")
            scores[String(parts[1])] = Double(parts[2])
        }
        #expect(scores.count == 2, "\(reply)")
        return scores
    }

    @Test func k1AndBChangeTheRanking() async throws {
        let defaults = try await scores([])
        #expect(defaults["many"] != defaults["once"])
        // k1 = 0: term frequency and length no longer matter, both score idf.
        let flat = try await scores(["--bm25-k1", "0"])
        #expect(flat["many"] == flat["once"], "\(flat)")
        // b = 0: no length normalization, so three occurrences beat one.
        let noLength = try await scores(["--bm25-b", "0"])
        #expect(try #require(noLength["many"]) > #require(noLength["once"]), "\(noLength)")
    }

    @Test func outOfRangeValuesStopStartup() async throws {
        let directory = try TemporaryDirectory(prefix: "sou-it")
        let daemon = try await DaemonProcess.start(
            dataDirectory: directory.appending("data"),
            socket: directory.appending("s.sock"),
            extraArguments: ["--bm25-b", "2"],
            waitForSocket: false
        )
        #expect(await daemon.waitForExit() != 0)
        #expect(daemon.log().contains("bm25_b"), "\(daemon.log())")
    }
}
