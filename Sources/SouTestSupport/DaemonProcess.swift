import Foundation
@_exported import SouClient

#if canImport(Glibc)
import Glibc
#endif

/// A real `soud` process for end-to-end tests: started on a given socket and data directory,
/// killed (SIGKILL) on deinit if still running.
///
///     let daemon = try await DaemonProcess.start(dataDirectory: dir.appending("data"), socket: dir.appending("s"))
///     let connection = try daemon.connect()
///     #expect(try connection.request("PING").final == "OK PONG")
///     daemon.kill(signal: SIGTERM)
///     #expect(await daemon.waitForExit() == 0)
public final class DaemonProcess: @unchecked Sendable {
    // @unchecked: the Process is only read after launch (isRunning/terminationStatus are
    // thread-safe), everything else is immutable.
    private let process: Process
    /// The process id.
    public let pid: Int32
    /// The socket the daemon listens on.
    public let socketPath: String
    /// The daemon's data directory.
    public let dataDirectory: String
    /// The file receiving the daemon's standard error (its log).
    public let logPath: String

    private init(process: Process, socketPath: String, dataDirectory: String, logPath: String) {
        self.process = process
        self.pid = process.processIdentifier
        self.socketPath = socketPath
        self.dataDirectory = dataDirectory
        self.logPath = logPath
    }

    deinit {
        if process.isRunning {
            Glibc.kill(pid, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Launches `soud --data-dir dataDirectory --socket socket extraArguments…`.
    ///
    /// - Parameters:
    ///   - dataDirectory: the data directory (created by the daemon).
    ///   - socket: the socket path.
    ///   - extraArguments: more flags, e.g. `["--max-line-bytes", "1024"]`.
    ///   - waitForSocket: wait until the socket answers (default); false returns at once,
    ///     e.g. to check that a start fails.
    ///   - timeout: how long to wait for the socket: a hang guard (a debug `soud` on a loaded
    ///     2-core machine answers within seconds; only a daemon that never listens takes this long).
    /// - Returns: the running daemon.
    /// - Throws: `DaemonProcessError.exited` (with the log) when it exits before answering,
    ///   `.timeout` when the socket does not answer in time.
    public static func start(
        dataDirectory: String,
        socket: String,
        extraArguments: [String] = [],
        waitForSocket: Bool = true,
        timeout: Duration = .seconds(600)
    ) async throws -> DaemonProcess {
        _ = IgnoreSIGPIPE.installed
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessRunner.executable("soud"))
        // The daemon's 5 s query timeout is a production limit that a debug build on a loaded
        // CI machine can exceed on a large check query; test daemons get a 10-minute one (a
        // hang guard) unless the test sets its own.
        let queryTimeout = extraArguments.contains("--query-timeout-ms") ? [] : ["--query-timeout-ms", "600000"]
        process.arguments = ["--data-dir", dataDirectory, "--socket", socket] + queryTimeout + extraArguments
        let logPath = socket + ".log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardError = log
        process.standardOutput = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? log.close()
        let daemon = DaemonProcess(process: process, socketPath: socket, dataDirectory: dataDirectory, logPath: logPath)
        guard waitForSocket else { return daemon }
        // The wait runs on a thread of its own: on a busy cooperative pool a wait loop there
        // may not run for a minute while the daemon has long been listening.
        let answered: Bool
        do {
            answered = try await OffPool.run {
                let deadline = ContinuousClock.now + timeout
                while ContinuousClock.now < deadline {
                    if !daemon.isRunning { return false }
                    if let connection = try? SouConnection(socketPath: socket, timeout: .seconds(60)) {
                        connection.close()
                        return true
                    }
                    usleep(10_000)
                }
                throw DaemonProcessError.timeout(log: daemon.log())
            }
        }
        if !answered {
            throw DaemonProcessError.exited(status: await daemon.waitForExit(), log: daemon.log())
        }
        return daemon
    }

    /// Sends `signal` (default SIGTERM) to the daemon.
    public func kill(signal: Int32 = SIGTERM) {
        _ = Glibc.kill(pid, signal)
    }

    /// Waits for the daemon to exit.
    ///
    /// - Returns: its exit status, or 128 + the signal number when a signal killed it.
    public func waitForExit() async -> Int32 {
        await OffPool.run { while self.isRunning { usleep(5_000) } }
        return process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus
    }

    /// Whether the process is still running.
    public var isRunning: Bool { process.isRunning }

    /// A new connection to the daemon (blocking line client). The I/O timeout is a hang guard:
    /// a debug `soud` on a loaded machine may take many seconds over a heavy request.
    public func connect(timeout: Duration = .seconds(300)) throws -> SouConnection {
        try SouConnection(socketPath: socketPath, timeout: timeout)
    }

    /// Sends one request on a fresh connection and returns its response.
    public func request(_ line: String) throws -> ClientResponse {
        let connection = try connect()
        defer { connection.close() }
        return try connection.request(line)
    }

    /// Everything the daemon has logged so far.
    public func log() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }
}

/// Why `DaemonProcess.start` failed.
public enum DaemonProcessError: Error, CustomStringConvertible {
    /// The daemon exited before its socket answered.
    case exited(status: Int32, log: String)
    /// The socket did not answer in time.
    case timeout(log: String)

    public var description: String {
        switch self {
        case .exited(let status, let log): return "soud exited with status \(status):\n\(log)"
        case .timeout(let log): return "soud did not answer in time:\n\(log)"
        }
    }
}
