import Foundation
import Testing

@testable import SouProtocol

@Suite struct ProtocolDocumentTests {
    @Test func everyEscapeRoundTrips() throws {
        let body = "line1\nline2\ttab \"quoted\" back\\slash \u{01}ctl 和 emoji 🎉 \u{2028}sep /slash"
        let original = ProtocolDocument(id: "doc-1", fields: [("title", "标题"), ("body", body), ("zeta", "z")])
        let json = original.json().encoded()
        #expect(!json.contains("\n"))
        #expect(!json.contains("\t"))
        let parsed = try ProtocolDocument.parse(json: Array(json.utf8))
        #expect(parsed == original)
    }

    @Test func acceptsJSONEscapesFromOtherEncoders() throws {
        let json = #"{"body":"a\nb\t\"c\" \u548c \ud83c\udf89 \/","id":"x"}"#
        let parsed = try ProtocolDocument.parse(json: Array(json.utf8))
        #expect(parsed.fields.first?.value == "a\nb\t\"c\" 和 🎉 /")
        // Foundation's encoder agrees with ours on what the string is.
        let foundation = try JSONSerialization.data(withJSONObject: ["id": "y", "body": "\u{7}\n"])
        #expect(try ProtocolDocument.parse(json: Array(foundation)).fields.first?.value == "\u{7}\n")
    }

    @Test func fieldsAreOrderedTitleBodyThenByName() throws {
        let parsed = try ProtocolDocument.parse(json: Array(#"{"b":"1","body":"2","a":"3","title":"4","id":"i"}"#.utf8))
        #expect(parsed.fields.map(\.name) == ["title", "body", "a", "b"])
    }

    /// Foundation keeps the last of repeated keys; a document with a key twice is refused.
    @Test(arguments: [
        #"{"id":"x1","id":"x2"}"#, #"{"id":"z","title":"a","title":"b"}"#,
        #"{"id":"w","ti\u0074le":"a","title":"b"}"#, #" { "id" : "v" , "body" : "{\"id\":[1,\"x\"]}", "id":"v" } "#,
    ])
    func repeatedKeysAreRefused(json: String) {
        #expect(throws: ProtocolError.self) { try ProtocolDocument.parse(json: Array(json.utf8)) }
    }

    @Test func keysAreCountedAtTheTopLevelOnly() throws {
        let json = #"{"id":"a,\"b\":","body":"{\"id\":\"c\"} [\"d\",\"e\"]","title":"x\\"}"#
        #expect(ProtocolDocument.topLevelKeyCount(Array(json.utf8)) == 3)
        let parsed = try ProtocolDocument.parse(json: Array(json.utf8))
        #expect(parsed.id == #"a,"b":"#)
        #expect(parsed.fields.map(\.name) == ["title", "body"])
    }

    @Test func idRules() {
        #expect(ProtocolDocument.validate(id: "ok-1/路径.txt") == nil)
        #expect(ProtocolDocument.validate(id: "") != nil)
        #expect(ProtocolDocument.validate(id: "a b") != nil)
        #expect(ProtocolDocument.validate(id: "a\u{3000}b") != nil)
        #expect(ProtocolDocument.validate(id: String(repeating: "x", count: 513)) != nil)
    }
}
