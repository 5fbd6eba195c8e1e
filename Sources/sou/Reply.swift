import Foundation
import SouClient
import SouProtocol

/// A parsed JSON-mode reply.
enum Reply {
    /// Sends one line and parses its JSON reply.
    static func call(_ connection: SouConnection, _ line: String) throws -> [String: Any] {
        do {
            try connection.send(line)
            return try read(connection)
        } catch ClientError.invalidRequest(let reason) {
            throw CLIFailure.usage(reason)
        } catch let error as ClientError {
            throw CLIFailure.unreachable(error.description)
        }
    }

    /// Reads one JSON reply.
    static func read(_ connection: SouConnection) throws -> [String: Any] {
        let response: ClientResponse
        do {
            response = try connection.readResponse()
        } catch {
            throw CLIFailure.unreachable(error.description)
        }
        guard let data = response.final.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            throw CLIFailure.server("unexpected reply: \(response.final)")
        }
        return object
    }

    /// The JSON object of a JSON-mode response, or an empty one.
    static func parse(_ response: ClientResponse) -> [String: Any] {
        guard let data = response.final.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return object
    }

    /// Returns `reply` when it is `ok`, else throws `CLIFailure.server` (or `.notFound`).
    static func check(_ reply: [String: Any]) throws -> [String: Any] {
        if reply["ok"] as? Bool == true { return reply }
        let code = reply["code"] as? String ?? "INTERNAL"
        let message = reply["message"] as? String ?? ""
        if code == ErrorCode.notFound.rawValue { throw CLIFailure.notFound("\(code) \(message)") }
        throw CLIFailure.server("\(code) \(message)")
    }
}
