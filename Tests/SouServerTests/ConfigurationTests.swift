import Foundation
import Testing

@testable import SouServer

@Suite struct ConfigurationTests {
    @Test func defaultsAreValid() throws {
        let configuration = Configuration()
        try configuration.validate()
        #expect(configuration.dataDirectory == "./sou-data")
        #expect(configuration.socketPath.hasSuffix("/sou-\(getuid()).sock"))
        #expect(configuration.socketMode == 0o600)
    }

    @Test func tomlOverridesDefaults() throws {
        var configuration = Configuration()
        try configuration.apply(
            toml: """
                data_dir = "/var/lib/sou"
                socket = "/run/sou.sock"
                socket_mode = "0660"
                max_results = 50
                writer_uids = [1000, 1001]
                durability = "batch"
                """
        )
        #expect(configuration.dataDirectory == "/var/lib/sou")
        #expect(configuration.socketPath == "/run/sou.sock")
        #expect(configuration.socketMode == 0o660)
        #expect(configuration.maxResults == 50)
        #expect(configuration.writerUIDs == [1000, 1001])
        #expect(configuration.durability == "batch")
        try configuration.validate()
    }

    @Test func rankingAndMergeSettings() throws {
        var configuration = Configuration()
        try configuration.apply(
            toml: """
                bm25_k1 = 2
                bm25_b = 0.3
                merge_segments_per_tier = 4
                merge_max_concurrent = 2
                merge_max_mb_per_sec = 40
                """
        )
        #expect(configuration.bm25K1 == 2 && configuration.bm25B == 0.3)
        #expect(configuration.mergeSettings.segmentsPerTier == 4)
        #expect(configuration.mergeSettings.maxConcurrentMerges == 2)
        #expect(configuration.mergeSettings.maxMergeBytesPerSecond == 40 << 20)
        #expect(Configuration().mergeSettings.maxMergeBytesPerSecond == 0)
        try configuration.validate()
        for (key, text) in [
            ("bm25_b", "bm25_b = 1.5"), ("bm25_k1", "bm25_k1 = -1"), ("merge_max_at_once", "merge_max_at_once = 1"),
            ("merge_max_mb_per_sec", "merge_max_mb_per_sec = -1"),
        ] {
            var bad = Configuration()
            try bad.apply(toml: text)
            #expect(throws: ConfigurationError.self, "\(key)") { try bad.validate() }
        }
        #expect(throws: ConfigurationError.invalid(key: "bm25_b", message: "expected a number")) {
            try configuration.apply(toml: "bm25_b = \"high\"")
        }
    }

    @Test func searchThreadsDefaultToTheCoreCount() throws {
        var configuration = Configuration()
        #expect(configuration.searchThreads == 0)
        #expect(configuration.effectiveSearchThreads >= 1)
        try configuration.apply(toml: "search_threads = 3")
        #expect(configuration.searchThreads == 3 && configuration.effectiveSearchThreads == 3)
        try configuration.validate()
        configuration.searchThreads = -1
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
    }

    @Test func badFilesFailClearly() {
        var configuration = Configuration()
        #expect(throws: ConfigurationError.unknownKey("colour")) { try configuration.apply(toml: "colour = 1") }
        #expect(throws: ConfigurationError.invalid(key: "max_results", message: "expected an integer")) {
            try configuration.apply(toml: "max_results = \"many\"")
        }
        #expect(throws: ConfigurationError.self) { try configuration.apply(toml: "= broken") }
        configuration.durability = "sometimes"
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
    }

    /// config/soud.toml lists every key, and its values are the defaults.
    @Test func shippedConfigListsEveryKeyWithItsDefault() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("config/soud.toml"), encoding: .utf8)
        for key in Configuration.keys {
            #expect(text.contains("\n# \(key) = ") || text.contains("\n\(key) = "), "config/soud.toml lacks \(key)")
        }
        // Uncommenting every setting gives the defaults (socket aside: it depends on the uid).
        let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line -> Substring in
                let trimmed = line.drop { $0 == " " }
                if trimmed.hasPrefix("# "), let key = trimmed.dropFirst(2).split(separator: " ").first,
                    Configuration.keys.contains(String(key)), key != "socket"
                {
                    return trimmed.dropFirst(2)
                }
                return line
            }
            .joined(separator: "\n")
        var configuration = Configuration()
        try configuration.apply(toml: uncommented)
        #expect(configuration == Configuration())
    }

    /// docs/CONFIGURATION.md's table and config/soud.toml's commented settings list exactly the
    /// settings of `Settings.all`, in its order, with its flags and defaults.
    @Test func documentationListsExactlyTheSettingsWithTheirDefaults() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let markdown = try String(contentsOf: root.appendingPathComponent("docs/CONFIGURATION.md"), encoding: .utf8)
        // | `key` | `--flag` … | `default` … | meaning |
        let rows = markdown.split(separator: "\n").filter { $0.hasPrefix("| `") }.map { line in
            line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        #expect(rows.map { $0[0] } == Settings.all.map { "`\($0.key)`" })
        for (cells, setting) in zip(rows, Settings.all) {
            #expect(cells[1].hasPrefix("`--\(setting.flag)`"), "\(setting.key): flag \(cells[1])")
            let shown = cells[2].replacingOccurrences(of: "`", with: "")
            let expected = setting.machineDefault ?? setting.defaultLiteral
            #expect(shown == expected || shown.hasPrefix(expected + " "), "\(setting.key): default \(cells[2])")
        }

        let toml = try String(contentsOf: root.appendingPathComponent("config/soud.toml"), encoding: .utf8)
        // `# key = value`: a setting, commented out, with its default.
        let entries = toml.split(separator: "\n").compactMap { line -> (key: String, value: String)? in
            guard line.hasPrefix("# "), let equals = line.range(of: " = ") else { return nil }
            let key = line[line.index(line.startIndex, offsetBy: 2)..<equals.lowerBound]
            guard key.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "_" }) else { return nil }
            return (String(key), String(line[equals.upperBound...]))
        }
        #expect(entries.map(\.key) == Settings.all.map(\.key))
        for (entry, setting) in zip(entries, Settings.all) where setting.machineDefault == nil {
            #expect(entry.value == setting.defaultLiteral, "\(setting.key) in config/soud.toml")
        }
    }

    /// Each default, written as the TOML value the docs show, reads back as the default.
    @Test func defaultLiteralsReadBackAsTheDefaults() throws {
        var configuration = Configuration()
        configuration.socketPath = "/elsewhere.sock"
        var fromTable = configuration
        let defaults = Settings.all.filter { $0.machineDefault == nil }
            .map { "\($0.key) = \($0.defaultLiteral)" }.joined(separator: "\n")
        try fromTable.apply(toml: defaults)
        #expect(fromTable == configuration)
    }

    @Test func octalModes() {
        #expect(Configuration.parseMode("0600") == 0o600)
        #expect(Configuration.parseMode("660") == 0o660)
        #expect(Configuration.parseMode("0o644") == 0o644)
        #expect(Configuration.parseMode("999") == nil)
        #expect(Configuration.parseMode("x") == nil)
    }
}
