import Testing

@testable import SouProtocol

@Suite struct RequestParserTests {
    let parser = RequestParser(limits: .init(maxDocumentBytes: 200, maxResults: 100))

    func parse(_ line: String) throws(ProtocolError) -> Request {
        try parser.parse(Array(line.utf8))
    }

    func code(_ line: String) -> ErrorCode? {
        do {
            _ = try parse(line)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func simpleCommandsAreCaseInsensitive() throws {
        #expect(try parse("PING") == .ping)
        #expect(try parse("ping") == .ping)
        #expect(try parse("Ping\r") == .ping)
        #expect(try parse("  version  ") == .version)
        #expect(try parse("quit") == .quit)
        #expect(try parse("COMMIT") == .commit)
        #expect(try parse("stats") == .stats)
        #expect(try parse("indexes") == .indexes)
        #expect(try parse("help") == .help(nil))
        #expect(try parse("help search") == .help("search"))
        #expect(try parse("json on") == .json(true))
        #expect(try parse("JSON OFF") == .json(false))
    }

    @Test func searchOptionsThenQuery() throws {
        let request = try parse("SEARCH limit=5 offset=2 fields=title,body snippet=off hl=<b>,</b> 大同 教育")
        #expect(
            request
                == .search(
                    SearchParameters(
                        query: "大同 教育",
                        limit: 5,
                        offset: 2,
                        fields: ["title", "body"],
                        snippets: false,
                        highlightOpen: "<b>",
                        highlightClose: "</b>"
                    )
                )
        )
        #expect(try parse("search 大同") == .search(SearchParameters(query: "大同")))
        #expect(try parse("SEARCH -- limit=5") == .search(SearchParameters(query: "limit=5")))
        #expect(try parse("SEARCH title:foo \"a b\" -c") == .search(SearchParameters(query: "title:foo \"a b\" -c")))
        #expect(try parse("SEARCH x=1 y") == .search(SearchParameters(query: "x=1 y")))
    }

    /// A space followed by a combining mark is one Swift Character, but still separates words.
    @Test func blanksBeforeCombiningMarksSeparate() throws {
        #expect(try parse("SEARCH \u{0301}x") == .search(SearchParameters(query: "\u{0301}x")))
        #expect(try parse("SEARCH limit=3 \u{0301}x") == .search(SearchParameters(query: "\u{0301}x", limit: 3)))
        #expect(try parse("GET \u{0301}a") == .get("\u{0301}a"))
        #expect(try parse("DELETE a \u{0301}b") == .delete(["a", "\u{0301}b"]))
        #expect(code("PING \u{0301}") == .syntax)
    }

    @Test func totalCounting() throws {
        func total(_ line: String) throws -> TotalCounting? {
            guard case .search(let parameters) = try parse(line) else { return nil }
            return parameters.total
        }
        #expect(try total("SEARCH total=exact 大同") == .exact)
        #expect(try total("SEARCH TOTAL=Exact limit=3 大同") == .exact)
        #expect(try total("SEARCH total=0 大同") == .upTo(0))
        #expect(try total("SEARCH limit=1 total=250 -- 大同") == .upTo(250))
        #expect(try total("SEARCH 大同") == nil)
        #expect(code("SEARCH total=-5 大同") == .syntax)
        #expect(code("SEARCH total=lots 大同") == .syntax)
        #expect(code("SEARCH total= 大同") == .syntax)
    }

    @Test func defaultLimitObeysMaxResults() throws {
        let strict = RequestParser(limits: .init(maxDocumentBytes: 200, maxResults: 5))
        #expect(try strict.parse(Array("SEARCH x".utf8)) == .search(SearchParameters(query: "x", limit: 5)))
        #expect(try strict.parse(Array("SEARCH limit=3 x".utf8)) == .search(SearchParameters(query: "x", limit: 3)))
        #expect(throws: ProtocolError.self) { try strict.parse(Array("SEARCH limit=6 x".utf8)) }
    }

    @Test func searchErrors() {
        #expect(code("SEARCH") == .syntax)
        #expect(code("SEARCH limit=5") == .syntax)
        #expect(code("SEARCH limit=abc foo") == .syntax)
        #expect(code("SEARCH limit=101 foo") == .limit)
        #expect(code("SEARCH snippet=maybe foo") == .syntax)
        #expect(code("SEARCH hl=x foo") == .syntax)
    }

    /// Markers cannot contain commas: `hl=<<,>>,x` is not the close marker `>>,x`.
    @Test func highlightMarkersWithAnExtraCommaAreRefused() throws {
        #expect(code("SEARCH hl=<<,>>,x line") == .syntax)
        #expect(code("SEARCH hl=,,, line") == .syntax)
        #expect(code("SEARCH hl=a,b, line") == .syntax)
        #expect(throws: ProtocolError.self) { try parse("SEARCH hl=<<,>>,x line") }
        do {
            _ = try parse("SEARCH hl=<<,>>,x line")
        } catch {
            #expect(error.message.contains("comma"), "\(error.message)")
        }
        #expect(
            try parse("SEARCH hl=<<,>> line")
                == .search(SearchParameters(query: "line", highlightOpen: "<<", highlightClose: ">>"))
        )
        #expect(
            try parse("SEARCH hl=, line")
                == .search(SearchParameters(query: "line", highlightOpen: "", highlightClose: ""))
        )
    }

    @Test func documentCommands() throws {
        #expect(try parse("GET a1") == .get("a1"))
        #expect(try parse("DELETE a1 b2") == .delete(["a1", "b2"]))
        #expect(
            try parse(#"ADD {"id":"a1","body":"x","title":"t"}"#)
                == .add(ProtocolDocument(id: "a1", fields: [("title", "t"), ("body", "x")]))
        )
        #expect(
            try parse(#"upsert {"id":"a1","body":"x"}"#) == .add(ProtocolDocument(id: "a1", fields: [("body", "x")]))
        )
        #expect(code("GET") == .syntax)
        #expect(code("GET a b") == .syntax)
        #expect(code("DELETE") == .syntax)
        #expect(code("ADD") == .syntax)
        #expect(code("ADD {") == .badDocument)
        #expect(code("ADD [1]") == .badDocument)
        #expect(code(#"ADD {"body":"x"}"#) == .badDocument)
        #expect(code(#"ADD {"id":"a b","body":"x"}"#) == .badDocument)
        #expect(code(#"ADD {"id":"a","n":1}"#) == .badDocument)
        #expect(code("ADD {\"id\":\"a\",\"body\":\"\(String(repeating: "x", count: 300))\"}") == .documentTooLarge)
    }

    @Test func indexCommands() throws {
        #expect(try parse("USE news") == .use("news"))
        #expect(try parse("DROP news") == .drop("news"))
        #expect(try parse("CREATE news") == .create("news", boosts: [:]))
        #expect(try parse("create news title=2.5 body=1") == .create("news", boosts: ["title": 2.5, "body": 1]))
        #expect(code("CREATE news title") == .syntax)
        #expect(code("CREATE news title=abc") == .syntax)
        #expect(code("CREATE") == .syntax)
    }

    @Test func badInput() {
        #expect(code("") == .syntax)
        #expect(code("FROB x") == .unknownCommand)
        // Garbage is echoed readably: control characters as \xNN, at most 40 characters.
        do {
            _ = try parser.parse(Array("PI\u{0}NG\u{1B}[2J\u{7F}".utf8))
            Issue.record("parsed garbage")
        } catch {
            #expect(error.message == #"unknown command 'PI\x00NG\x1B[2J\x7F'; try HELP"#)
        }
        do {
            _ = try parser.parse(Array(String(repeating: "x", count: 100).utf8))
        } catch {
            #expect(error.message == "unknown command '\(String(repeating: "X", count: 40))…'; try HELP")
        }
        #expect(code("PING extra") == .syntax)
        #expect(code("JSON maybe") == .syntax)
        var invalid = Array("SEARCH ".utf8)
        invalid += [0xFF, 0xFE]
        #expect(throws: ProtocolError.self) { try parser.parse(invalid) }
        do {
            _ = try parser.parse(invalid)
        } catch {
            #expect(error.code == .badUTF8)
        }
    }

    @Test func writeCommandsAreMarked() throws {
        #expect(try parse("COMMIT").isWrite)
        #expect(try parse("DELETE a").isWrite)
        #expect(try parse(#"ADD {"id":"a"}"#).isWrite)
        #expect(!(try parse("SEARCH a").isWrite))
        #expect(!(try parse("GET a").isWrite))
        #expect(!(try parse("EXPORT").isWrite))
    }

    /// `EXPORT` takes no argument: it works on the connection's index, as `USE` selects it.
    @Test func exportSyntax() throws {
        #expect(try parse("EXPORT") == .export)
        #expect(try parse("export\r") == .export)
        #expect(try parse("  Export \t") == .export)
        for line in ["EXPORT default", "EXPORT index=news", "EXPORT --no-commit", "EXPORT\tx"] {
            #expect(code(line) == .syntax, "\(line)")
        }
        do {
            _ = try parse("EXPORT news")
        } catch {
            #expect(error.message == "usage: EXPORT")
        }
        #expect(code("EXPORTS") == .unknownCommand)
        let help = try #require(CommandHelp.entry("export"))
        #expect(help.usage == "EXPORT")
        #expect(help.summary.contains("DOC"))
    }
}
