import Foundation
import SouTestSupport
import Testing

/// The protocol examples of README.md and docs/PROTOCOL.md, run verbatim against a real
/// `soud` (through `$SOU_SOCKET`), so the documentation cannot drift from the daemon.
@Suite(.offCooperativePool) struct ReadmeExamplesTests {
    /// The fenced code blocks of a Markdown file whose info string is `language`.
    static func codeBlocks(_ file: String, language: String) throws -> [String] {
        let text = try String(contentsOfFile: SeedCorpus.repositoryRoot + "/" + file, encoding: .utf8)
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```" + language {
                current = []
            } else if current != nil, line == "```" {
                blocks.append(current!.joined(separator: "\n") + "\n")
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    static func onPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    @Test(.enabled(if: onPath("socat") != nil)) func socatExamples() async throws {
        let fixture = try await DaemonFixture.start()
        let examples =
            try Self.codeBlocks("README.md", language: "sh").filter { $0.contains("socat") }
            + Self.codeBlocks("docs/PROTOCOL.md", language: "sh").filter { $0.contains("socat") }
        #expect(examples.count == 2)
        for example in examples {
            let output = try ProcessRunner.run("/bin/sh", ["-c", example], environment: ["SOU_SOCKET": fixture.socket])
            #expect(output.status == 0, "\(example)\n\(output.standardError)")
            let lines = output.standardOutput.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("OK added ") == true, "\(output.standardOutput)")
            #expect(lines.contains("OK committed"))
            // The document came back byte for byte: JSON escapes for newline, tab, quotes, emoji.
            let sent = try #require(example.split(separator: "\n").first { $0.contains("'ADD ") })
            let json = sent.split(separator: "'")[1].dropFirst("ADD ".count)
            #expect(lines.contains("DOC " + json), "\(output.standardOutput)")
            #expect(lines.contains { $0.hasPrefix("SNIPPET ") && $0.contains("«quotes»") })
            #expect(!lines.contains { $0.hasPrefix("ERR ") })
        }
    }

    @Test(.enabled(if: onPath("python3") != nil)) func pythonExample() async throws {
        let fixture = try await DaemonFixture.start()
        let examples = try Self.codeBlocks("README.md", language: "python")
        let example = try #require(examples.first)
        let python = try #require(Self.onPath("python3"))
        let output = try ProcessRunner.run(python, ["-c", example], environment: ["SOU_SOCKET": fixture.socket])
        #expect(output.status == 0, "\(output.standardError)")
        let lines = output.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first?.contains("'message': 'added py-1'") == true, "\(output.standardOutput)")
        #expect(lines.count > 1 && lines[1].contains("'total': 1") && lines[1].contains("«大同»"))
        // The stored body, printed by Python, has its real newline, quotes and tab back.
        #expect(output.standardOutput.hasSuffix("first line\nsecond \"quoted\"\ttabbed 大同\n"))
        let check = try fixture.connect().request("GET py-1")
        #expect(check.isOK)
    }

    /// The "A session" transcript of docs/PROTOCOL.md: the `>` lines sent as one pipelined
    /// batch give exactly the `<` lines (times masked).
    @Test func protocolSessionTranscript() async throws {
        let text = try String(contentsOfFile: SeedCorpus.repositoryRoot + "/docs/PROTOCOL.md", encoding: .utf8)
        let section = try #require(text.components(separatedBy: "\n## A session\n").dropFirst().first)
            .components(separatedBy: "\n## ")[0]
        let lines = section.split(separator: "\n").map(String.init)
        let requests = lines.filter { $0.hasPrefix("    > ") }.map { String($0.dropFirst(6)) }
        let expected = lines.filter { $0.hasPrefix("    < ") }.map { String($0.dropFirst(6)) }
        #expect(requests.count >= 8)
        let fixture = try await DaemonFixture.start()
        let connection = try fixture.connect()
        try connection.write(Array((requests.joined(separator: "\n") + "\n").utf8))
        var received: [String] = []
        while let line = try connection.readLine() { received.append(line) }
        func masked(_ line: String) -> String {
            line.replacingOccurrences(of: #"took=[0-9.]+ms"#, with: "took=…ms", options: .regularExpression)
        }
        #expect(received.map(masked) == expected.map(masked))
    }
}
