import ArgumentParser
import Foundation
import SouClient
import SouProtocol

/// Options every subcommand takes (also accepted before the subcommand name).
struct GlobalOptions: ParsableArguments {
    @Option(help: "The daemon's socket (default: $SOU_SOCKET, else $TMPDIR/sou-<uid>.sock or /tmp/sou-<uid>.sock).")
    var socket: String?

    @Option(help: "The index to use (default: the daemon's 'default' index).")
    var index: String?

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    /// The socket path: --socket, $SOU_SOCKET, or the daemon's default.
    var socketPath: String {
        if let socket { return socket }
        if let env = ProcessInfo.processInfo.environment["SOU_SOCKET"], !env.isEmpty { return env }
        var directory = "/tmp"
        if let tmp = ProcessInfo.processInfo.environment["TMPDIR"], !tmp.isEmpty {
            directory = tmp.hasSuffix("/") ? String(tmp.dropLast()) : tmp
        }
        return "\(directory)/sou-\(getuid()).sock"
    }

    /// Connects, switches to JSON replies and to `--index`.
    ///
    /// - Throws: `CLIFailure.unreachable` or `.server`.
    func connect() throws -> SouConnection {
        let connection: SouConnection
        do {
            connection = try SouConnection(socketPath: socketPath)
        } catch {
            throw CLIFailure.unreachable(error.description)
        }
        var lines = ["JSON ON"]
        if let index { lines.append("USE \(index)") }
        for line in lines {
            _ = try Reply.check(try Reply.call(connection, line))
        }
        return connection
    }
}

/// A parsed JSON-mode reply.
enum Reply {
    /// Sends one line and parses its JSON reply.
    static func call(_ connection: SouConnection, _ line: String) throws -> [String: Any] {
        do {
            try connection.send(line)
            return try read(connection)
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

    /// Returns `reply` when it is `ok`, else throws `CLIFailure.server` (or `.notFound`).
    static func check(_ reply: [String: Any]) throws -> [String: Any] {
        if reply["ok"] as? Bool == true { return reply }
        let code = reply["code"] as? String ?? "INTERNAL"
        let message = reply["message"] as? String ?? ""
        if code == ErrorCode.notFound.rawValue { throw CLIFailure.notFound("\(code) \(message)") }
        throw CLIFailure.server("\(code) \(message)")
    }
}

/// Why a subcommand failed, with its exit code (README, "Exit codes").
enum CLIFailure: Error {
    /// No results or no such document: exit 1.
    case notFound(String)
    /// The daemon cannot be reached: exit 3.
    case unreachable(String)
    /// The daemon answered ERR: exit 4.
    case server(String)

    var exitCode: Int32 {
        switch self {
        case .notFound: return 1
        case .unreachable: return 3
        case .server: return 4
        }
    }

    var message: String {
        switch self {
        case .notFound(let message), .server(let message): return message
        case .unreachable(let message): return message + " (is soud running? start it with: soud --socket PATH)"
        }
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Prints one JSON value as a compact line.
func printJSON(_ object: Any) {
    if let data = try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes]),
        let text = String(data: data, encoding: .utf8)
    {
        print(text)
    }
}
