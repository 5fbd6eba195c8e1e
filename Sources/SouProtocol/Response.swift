/// One reply: zero or more data lines, then a final `OK …` or `ERR <CODE> <message>` line.
///
/// Each response carries both shapes: `lines`/`status` for text mode and `fields` for
/// JSON mode (`JSON ON`), where the whole response is one JSON object on one line:
/// `{"ok":true,"message":"…",<fields>…}` or `{"ok":false,"code":"…","message":"…"}`.
public struct Response: Sendable, Equatable {
    /// How the request ended.
    public enum Status: Sendable, Equatable {
        /// Success; the text after `OK ` (may be empty).
        case ok(String)
        /// Failure with its code and one-line message.
        case error(ErrorCode, String)
    }

    /// Text-mode data lines (without `\n`; any newline inside is replaced by a space).
    public var lines: [String]
    /// The final line.
    public var status: Status
    /// JSON-mode members after `ok` and `message`.
    public var fields: [(String, JSONValue)]
    /// Close the connection after sending this response.
    public var closesConnection: Bool

    /// - Parameters: see the properties.
    public init(
        lines: [String] = [],
        status: Status,
        fields: [(String, JSONValue)] = [],
        closesConnection: Bool = false
    ) {
        self.lines = lines
        self.status = status
        self.fields = fields
        self.closesConnection = closesConnection
    }

    /// `OK <message>` with optional data lines and JSON members.
    public static func ok(_ message: String = "", lines: [String] = [], fields: [(String, JSONValue)] = []) -> Response
    {
        Response(lines: lines, status: .ok(message), fields: fields)
    }

    /// `ERR <code> <message>`.
    public static func error(_ error: ProtocolError, closesConnection: Bool = false) -> Response {
        Response(status: .error(error.code, error.message), closesConnection: closesConnection)
    }

    public static func == (lhs: Response, rhs: Response) -> Bool {
        lhs.lines == rhs.lines && lhs.status == rhs.status && lhs.closesConnection == rhs.closesConnection
            && JSONValue.object(lhs.fields) == JSONValue.object(rhs.fields)
    }

    /// The text-mode bytes: each data line and the final line, each ending in `\n`.
    public func encodedText() -> String {
        var out = ""
        for line in lines {
            out += Response.oneLine(line)
            out += "\n"
        }
        switch status {
        case .ok(let message):
            out += message.isEmpty ? "OK" : "OK " + Response.oneLine(message)
        case .error(let code, let message):
            out += "ERR " + code.rawValue + " " + Response.oneLine(message)
        }
        out += "\n"
        return out
    }

    /// The JSON-mode bytes: one compact JSON object and `\n`.
    public func encodedJSON() -> String {
        var members: [(String, JSONValue)]
        switch status {
        case .ok(let message):
            members = [("ok", .bool(true)), ("message", .string(message))] + fields
        case .error(let code, let message):
            members = [("ok", .bool(false)), ("code", .string(code.rawValue)), ("message", .string(message))]
        }
        return JSONValue.object(members).encoded() + "\n"
    }

    /// The reply in the connection's current format.
    public func encoded(json: Bool) -> String {
        json ? encodedJSON() : encodedText()
    }

    /// `text` with every `\r` and `\n` replaced by a space, so it stays one line.
    public static func oneLine(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 10 || $0 == 13 }) else { return text }
        return String(text.map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
    }
}
