import Foundation

/// Runs a built executable of this package (`sou`, `soud`) and collects its output.
public enum ProcessRunner {
    /// What a finished process left behind.
    public struct Output: Sendable {
        /// Exit status (128 + signal number when killed by a signal).
        public var status: Int32
        /// Everything it wrote to standard output.
        public var standardOutput: String
        /// Everything it wrote to standard error.
        public var standardError: String
    }

    /// The directory holding this build's executables (the test bundle's directory).
    public static func buildDirectory(filePath: String = #filePath) -> String {
        if let override = ProcessInfo.processInfo.environment["SOU_BUILD_DIR"] { return override }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let directory = executable.deletingLastPathComponent().path
        if FileManager.default.isExecutableFile(atPath: directory + "/soud") { return directory }
        // Fallback: <package>/Sources/SouTestSupport/ProcessRunner.swift → <package>/.build/debug
        let package = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return package.path + "/.build/debug"
    }

    /// The path of the built executable `name`; a name with a `/` is a path and returned as is.
    public static func executable(_ name: String) -> String {
        name.contains("/") ? name : buildDirectory() + "/" + name
    }

    /// Runs `name` with `arguments`, feeding `input` on standard input, and waits for it.
    ///
    /// - Parameters:
    ///   - name: `sou` or `soud`, or the path of any executable.
    ///   - arguments: command-line arguments.
    ///   - input: bytes for standard input (closed after).
    ///   - environment: variables to set on top of this process's (nil value: unset).
    /// - Returns: status and output.
    public static func run(
        _ name: String,
        _ arguments: [String],
        input: String = "",
        environment: [String: String?] = [:]
    ) throws -> Output {
        _ = IgnoreSIGPIPE.installed
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable(name))
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let directory = try TemporaryDirectory(prefix: "sou-run")
        let outPath = directory.appending("out")
        let errPath = directory.appending("err")
        let inPath = directory.appending("in")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        _ = FileManager.default.createFile(atPath: inPath, contents: Data(input.utf8))
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let stdin = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try process.run()
        process.waitUntilExit()
        try? out.close()
        try? err.close()
        try? stdin.close()
        let status =
            process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return Output(
            status: status,
            standardOutput: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        )
    }
}
