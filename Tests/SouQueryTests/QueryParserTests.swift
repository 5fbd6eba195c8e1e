import SouTestSupport
import Testing

@testable import SouQuery

private func t(_ text: String, _ field: String? = nil) -> Query { .term(field: field, text: text) }
private func p(_ text: String, _ field: String? = nil) -> Query { .phrase(field: field, text: text) }
private func pre(_ text: String, _ field: String? = nil) -> Query { .prefix(field: field, text: text) }

@Suite(.offCooperativePool) struct QueryParserTests {
    let parser = QueryParser()

    private func parse(_ input: String) throws -> Query { try parser.parse(input) }

    private func error(_ input: String, parser: QueryParser = QueryParser()) -> QueryError? {
        do {
            _ = try parser.parse(input)
            return nil
        } catch {
            return error
        }
    }

    @Test func singleTermsAndImplicitAnd() throws {
        #expect(try parse("大同") == t("大同"))
        #expect(try parse("  大同  ") == t("大同"))
        #expect(try parse("大同 教育") == .and([t("大同"), t("教育")]))
        #expect(try parse("大同\u{3000}教育\t科技") == .and([t("大同"), t("教育"), t("科技")]))
        #expect(try parse("Foo AND bar") == .and([t("Foo"), t("bar")]))
        #expect(try parse("5G+ www.dtnews.cn") == .and([t("5G+"), t("www.dtnews.cn")]))
    }

    @Test func orBindsTighterThanAnd() throws {
        #expect(try parse("大同 教育 OR 科技") == .and([t("大同"), .or([t("教育"), t("科技")])]))
        #expect(try parse("a OR b c OR d") == .and([.or([t("a"), t("b")]), .or([t("c"), t("d")])]))
        #expect(try parse("a OR b OR c") == .or([t("a"), t("b"), t("c")]))
        #expect(try parse("a AND b OR c") == .and([t("a"), .or([t("b"), t("c")])]))
        #expect(try parse("(a b) OR c") == .or([.and([t("a"), t("b")]), t("c")]))
    }

    @Test func lowercaseOperatorsAreTerms() throws {
        #expect(try parse("cats or dogs and not") == .and([t("cats"), t("or"), t("dogs"), t("and"), t("not")]))
    }

    @Test func negation() throws {
        #expect(try parse("a -b") == .and([t("a"), .not(t("b"))]))
        #expect(try parse("a NOT b") == .and([t("a"), .not(t("b"))]))
        #expect(try parse("NOT b a") == .and([.not(t("b")), t("a")]))
        #expect(try parse("a -(b OR c)") == .and([t("a"), .not(.or([t("b"), t("c")]))]))
        #expect(try parse("a -\"b c\"") == .and([t("a"), .not(p("b c"))]))
        #expect(try parse("a -title:b") == .and([t("a"), .not(t("b", "title"))]))
        #expect(try parse("a (-b -c)") == .and([t("a"), .not(t("b")), .not(t("c"))]))
        // A hyphen inside a word or followed by a space is not negation.
        #expect(try parse("e-mail") == t("e-mail"))
        #expect(try parse("a - b") == .and([t("a"), t("b")]))
    }

    @Test func phrasesPrefixesAndFields() throws {
        #expect(try parse("\"大同 日报\"") == p("大同 日报"))
        #expect(try parse("“大同日报” 社") == .and([p("大同日报"), t("社")]))
        #expect(try parse("edu*") == pre("edu"))
        #expect(try parse("edu** x") == .and([pre("edu"), t("x")]))
        #expect(try parse("title:大同") == t("大同", "title"))
        #expect(try parse("title:\"大同 日报\"") == p("大同 日报", "title"))
        #expect(try parse("body_2:edu*") == pre("edu", "body_2"))
        #expect(try parse("title:(a OR b)") == .or([t("a", "title"), t("b", "title")]))
        #expect(try parse("x OR title:(a OR b)") == .or([t("x"), t("a", "title"), t("b", "title")]))
        #expect(try parse("title:(a -b)") == .and([t("a", "title"), .not(t("b", "title"))]))
        #expect(try parse("10:30") == t("10:30"))
        #expect(try parse("大同:日报") == t("大同:日报"))
    }

    @Test func fullWidthParenthesesAndNesting() throws {
        #expect(try parse("（a OR b） c") == .and([.or([t("a"), t("b")]), t("c")]))
        #expect(try parse("((a))") == t("a"))
        #expect(try parse("a (b (c d))") == .and([t("a"), t("b"), t("c"), t("d")]))
        #expect(try parse("(a OR (b OR c))") == .or([t("a"), t("b"), t("c")]))
    }

    @Test func punctuationOnlyWordsAreDropped() throws {
        #expect(try parse("大同 ， 日报") == .and([t("大同"), t("日报")]))
        #expect(try parse("a OR 。") == t("a"))
        #expect(error("，。") == .empty)
    }

    @Test func errors() {
        #expect(error("") == .empty)
        #expect(error(" \u{3000} ") == .empty)
        #expect(error("大同 \"日报") == .syntax(message: "unclosed quote", offset: 3))
        #expect(error("大同 \"日报").map(String.init(describing:)) == "unclosed quote at 3")
        #expect(error("a (b c") == .syntax(message: "unclosed parenthesis", offset: 2))
        #expect(error("a b)") == .syntax(message: "stray ')'", offset: 3))
        #expect(error(")") == .syntax(message: "stray ')'", offset: 0))
        #expect(error("a OR") == .syntax(message: "OR without right operand", offset: 2))
        #expect(error("OR a") == .syntax(message: "OR without left operand", offset: 0))
        #expect(error("a OR OR b") == .syntax(message: "OR without right operand", offset: 2))
        #expect(error("AND b") == .syntax(message: "AND without left operand", offset: 0))
        #expect(error("a AND") == .syntax(message: "AND without right operand", offset: 2))
        #expect(error("(a AND) b") == .syntax(message: "AND without right operand", offset: 3))
        #expect(error("a NOT") == .syntax(message: "NOT without operand", offset: 2))
        #expect(error("a NOT NOT b") == .syntax(message: "double negation", offset: 2))
        #expect(error("a -(-b)") == .syntax(message: "double negation", offset: 2))
        #expect(error("a ()") == .syntax(message: "empty parentheses", offset: 2))
        #expect(error("Title:a") == .syntax(message: "bad field name 'Title' (use [a-z][a-z0-9_]*)", offset: 0))
        #expect(error("a _x:b") == .syntax(message: "bad field name '_x' (use [a-z][a-z0-9_]*)", offset: 2))
        #expect(error("title: a") == .syntax(message: "missing term after 'title:'", offset: 0))
        #expect(error("title:") == .syntax(message: "missing term after 'title:'", offset: 0))
        #expect(error("title:NOT a") == .syntax(message: "missing term after 'title:'", offset: 0))
        #expect(error("title:body:a") == .syntax(message: "field inside field 'title'", offset: 6))
        #expect(error("title:(body:a)") == .syntax(message: "field inside field 'title'", offset: 7))
        #expect(error("a *") == .syntax(message: "'*' alone", offset: 2))
        #expect(error("a \"\"") == .syntax(message: "empty phrase", offset: 2))
        #expect(error("a \" \"") == .syntax(message: "empty phrase", offset: 2))
        #expect(error("a \"。\"") == .syntax(message: "empty phrase", offset: 2))
        #expect(error("a OR -b") == .syntax(message: "negation cannot be an OR operand", offset: 5))
        #expect(error("-foo") == .onlyNegative)
        #expect(error("NOT foo -bar") == .onlyNegative)
        #expect(error("(-foo)") == .onlyNegative)
    }

    @Test func limits() {
        let small = QueryParser(maxLength: 10, maxClauses: 3, maxDepth: 2)
        #expect(error("aaaaa bbbbb", parser: small) == .tooLong(limit: 10))
        #expect(error("大同日报", parser: small) == .tooLong(limit: 10))  // 12 UTF-8 bytes
        #expect(error("a b c d", parser: small) == .tooManyClauses(limit: 3))
        #expect((try? small.parse("a b c")) != nil)
        #expect(error("(((a)))", parser: small) == .tooDeep(limit: 2))
        #expect((try? small.parse("((a))")) == t("a"))
        let deep = String(repeating: "(", count: 5000) + "a" + String(repeating: ")", count: 5000)
        #expect(error(deep, parser: QueryParser(maxLength: 20000)) == .tooDeep(limit: 32))
    }

    /// Structural guarantees promised by `Query`'s documentation.
    private func checkShape(_ query: Query, parentIsAnd: Bool = false, siblings: [Query] = []) -> Bool {
        switch query {
        case .term(_, let text), .phrase(_, let text), .prefix(_, let text):
            return !text.isEmpty
        case .and(let children):
            guard children.count >= 2, children.contains(where: { if case .not = $0 { false } else { true } })
            else { return false }
            return children.allSatisfy { child in
                if case .and = child { return false }
                return checkShape(child, parentIsAnd: true)
            }
        case .or(let children):
            guard children.count >= 2 else { return false }
            return children.allSatisfy { child in
                if case .or = child { return false }
                if case .not = child { return false }
                return checkShape(child)
            }
        case .not(let inner):
            guard parentIsAnd else { return false }
            if case .not = inner { return false }
            return checkShape(inner)
        }
    }

    @Test func fuzzNeverCrashesAndKeepsShape() {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("QueryParserTests.fuzzNeverCrashesAndKeepsShape seed", seed)
        var rng = SplitMix64(seed: seed)
        let pieces = [
            "a", "b", "大", "同", "日报", " ", " ", "\u{3000}", "(", ")", "（", "）", "\"", "“", "”", "*", "-", ":",
            "AND", "OR", "NOT", "and", "title", "Title", "x:", "_", "，", "5G", "😀", "\u{301}", "\t",
        ]
        var parsed = 0
        for _ in 0..<20_000 {
            let input = (0..<Int.random(in: 0...14, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }
                .joined()
            do {
                let query = try parser.parse(input)
                #expect(checkShape(query), "seed \(seed) input \(input.debugDescription) → \(query)")
                parsed += 1
            } catch {
                if case .syntax(_, let offset) = error {
                    #expect(offset >= 0 && offset <= input.count, "seed \(seed) input \(input.debugDescription)")
                }
            }
        }
        #expect(parsed > 1000)
    }
}
