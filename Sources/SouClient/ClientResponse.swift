/// One response as read by `SouConnection`.
public struct ClientResponse: Sendable, Equatable {
    /// Data lines before the final line (text mode); empty in JSON mode.
    public var lines: [String]
    /// The final line (`OK …`, `ERR …`) or, in JSON mode, the JSON object.
    public var final: String

    /// - Parameters: see the properties.
    public init(lines: [String], final: String) {
        self.lines = lines
        self.final = final
    }

    /// Whether the request succeeded.
    public var isOK: Bool {
        if final.hasPrefix("{") { return final.hasPrefix("{\"ok\":true") }
        return final == "OK" || final.hasPrefix("OK ")
    }

    /// The error code of an `ERR` reply (text or JSON mode).
    public var errorCode: String? {
        if final.hasPrefix("ERR ") {
            return final.dropFirst(4).split(separator: " ", maxSplits: 1).first.map(String.init)
        }
        if final.hasPrefix("{\"ok\":false,\"code\":\"") {
            let rest = final.dropFirst("{\"ok\":false,\"code\":\"".count)
            return rest.split(separator: "\"", maxSplits: 1).first.map(String.init)
        }
        return nil
    }

    /// The text after `OK ` or `ERR <CODE> ` (text mode).
    public var message: String {
        if final.hasPrefix("OK ") { return String(final.dropFirst(3)) }
        if final.hasPrefix("ERR ") {
            let parts = final.dropFirst(4).split(separator: " ", maxSplits: 1)
            return parts.count > 1 ? String(parts[1]) : ""
        }
        return ""
    }
}

/// Why a client request failed before a response arrived.
public enum ClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing accepts connections on the socket.
    case unreachable(path: String, reason: String)
    /// The connection broke.
    case connectionLost(String)
    /// A read or write took longer than the connection's timeout.
    case timeout
    /// The request cannot be sent as one protocol line; nothing was sent.
    case invalidRequest(String)

    public var description: String {
        switch self {
        case .unreachable(let path, let reason): return "cannot connect to soud at \(path): \(reason)"
        case .connectionLost(let reason): return "connection to soud lost: \(reason)"
        case .timeout: return "timed out waiting for soud"
        case .invalidRequest(let reason): return "invalid request: \(reason)"
        }
    }
}
