import Foundation
import SouClient
import SouTestSupport

/// A temporary directory with a running `soud` on `s.sock` and data in `data/`.
final class DaemonFixture: @unchecked Sendable {
    let directory: TemporaryDirectory
    let daemon: DaemonProcess

    var socket: String { daemon.socketPath }

    private init(directory: TemporaryDirectory, daemon: DaemonProcess) {
        self.directory = directory
        self.daemon = daemon
    }

    static func start(_ extraArguments: [String] = []) async throws -> DaemonFixture {
        let directory = try TemporaryDirectory(prefix: "sou-it")
        let daemon = try await DaemonProcess.start(
            dataDirectory: directory.appending("data"),
            socket: directory.appending("s.sock"),
            extraArguments: ["--refresh-interval-ms", "50"] + extraArguments
        )
        return DaemonFixture(directory: directory, daemon: daemon)
    }

    func connect(timeout: Duration = .seconds(300)) throws -> SouConnection { try daemon.connect(timeout: timeout) }

    /// Runs the `sou` binary against this daemon.
    func sou(
        _ arguments: [String],
        input: String = "",
        environment: [String: String?] = [:]
    ) throws
        -> ProcessRunner.Output
    {
        try ProcessRunner.run("sou", ["--socket", socket] + arguments, input: input, environment: environment)
    }
}

/// Parses a JSON object line.
func jsonObject(_ line: String) -> [String: Any]? {
    guard let data = line.data(using: .utf8) else { return nil }
    return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
}
