import Testing

@testable import SouProtocol

@Suite struct ResponseTests {
    @Test func textShape() {
        #expect(Response.ok("PONG").encodedText() == "OK PONG\n")
        #expect(Response.ok().encodedText() == "OK\n")
        #expect(Response.ok("", lines: ["HIT a 1.0", "SNIPPET x\ny"]).encodedText() == "HIT a 1.0\nSNIPPET x y\nOK\n")
        #expect(
            Response.error(ProtocolError(.syntax, "usage: GET <id>")).encodedText()
                == "ERR SYNTAX usage: GET <id>\n"
        )
    }

    @Test func jsonShape() {
        #expect(
            Response.ok("3", fields: [("count", .int(3))]).encodedJSON() == #"{"ok":true,"message":"3","count":3}"#
                + "\n"
        )
        #expect(
            Response.error(ProtocolError(.badQuery, "unclosed quote at 7")).encodedJSON()
                == #"{"ok":false,"code":"BAD_QUERY","message":"unclosed quote at 7"}"# + "\n"
        )
    }

    @Test func jsonStringEscapes() {
        #expect(JSONValue.quoted("a\"b\\c\n\r\t\u{0}\u{1F}和") == #""a\"b\\c\n\r\t\u0000\u001f和""#)
        #expect(JSONValue.array([.null, .bool(false), .double(1.5), .double(2)]).encoded() == "[null,false,1.5,2]")
    }

    @Test func everyCodeIsOneWord() {
        for code in ErrorCode.allCases {
            #expect(!code.rawValue.contains(" "))
            #expect(code.rawValue == code.rawValue.uppercased())
        }
    }
}
