import ArgumentParser
import Logging
import ServiceLifecycle
import SouIndex
import SouServer

#if canImport(Glibc)
import Glibc
#endif

/// `soud`: the Sou search daemon. Settings: defaults, then `--config FILE`, then flags.
@main
struct Soud: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soud",
        abstract: "Sou full-text search daemon: serves the line protocol on a Unix socket.",
        usage: """
            soud [--config <config>] [--<setting> <value> ...]
              soud --check <data-dir> [--json]
            """,
        discussion: """
            Every setting is also a key in the TOML file given by --config (see config/soud.toml). \
            Flags win over the file. SIGTERM or SIGINT shut down gracefully.

            --check verifies a data directory offline and exits without serving: every checksum, \
            every postings list, norms, skip entries, stored documents, deletions, orphan files \
            and logs, one report per index and segment. It only reads (no lock taken), so it may \
            run beside a soud serving the same directory. Exit status: 0 no problem, 1 problems \
            found, 2 not a data directory.

            SETTINGS:
            \(Settings.flagHelp())
            """
    )

    @Option(help: "TOML configuration file (keys as in config/soud.toml).")
    var config: String?
    @Option(
        name: .customLong("check"),
        help: ArgumentHelp("Check the indexes of a data directory, print a report and exit.", valueName: "data-dir")
    )
    var checkDirectory: String?
    @Flag(help: "With --check: the report as one JSON object.")
    var json = false
    /// `--<setting> <value>` and `--<setting>=<value>` for every setting in `Settings.all`,
    /// read by `settingFlags()`.
    @Argument(parsing: .allUnrecognized, help: .hidden)
    var settingArguments: [String] = []

    /// The setting flags given, each setting's values in order.
    ///
    /// - Throws: `ValidationError` for an unknown flag, a stray argument or a missing value.
    func settingFlags() throws -> [(setting: any AnySetting, values: [String])] {
        var given: [String: [String]] = [:]
        var index = settingArguments.startIndex
        while index < settingArguments.endIndex {
            let argument = settingArguments[index]
            index += 1
            guard argument.hasPrefix("--") else { throw ValidationError("Unexpected argument '\(argument)'") }
            var name = String(argument.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let setting = Settings.all.first(where: { $0.flag == name }) else {
                throw ValidationError("Unknown option '--\(name)'")
            }
            if value == nil, index < settingArguments.endIndex, !settingArguments[index].hasPrefix("--") {
                value = settingArguments[index]
                index += 1
            }
            guard let value else { throw ValidationError("Missing value for '--\(name) <\(name)>'") }
            given[setting.key, default: []].append(value)
        }
        return Settings.all.compactMap { setting in given[setting.key].map { (setting, $0) } }
    }

    func resolvedConfiguration() throws -> Configuration {
        // A flag value of the wrong type is reported before the file is read, as when
        // ArgumentParser parsed each flag, except the socket mode's, which it took as text.
        var setters: [@Sendable (inout Configuration) -> Void] = []
        var lateError: SettingFlagError?
        for (setting, values) in try settingFlags() {
            do {
                setters.append(try setting.flagValues(values))
            } catch let error where error.afterConfigurationFile {
                if lateError == nil { lateError = error }
            } catch {
                throw ValidationError(error.description)
            }
        }
        var configuration = Configuration()
        if let config { try configuration.apply(tomlFile: config) }
        if let lateError { throw ValidationError(lateError.description) }
        for set in setters { set(&configuration) }
        try configuration.validate()
        return configuration
    }

    func validate() throws {
        if json && checkDirectory == nil { throw ValidationError("--json is only for --check <data-dir>") }
    }

    /// `--check`: runs `IndexChecker` and exits 0 (no problem), 1 (problems) or 2 (usage).
    func runCheck(_ directory: String) throws {
        guard config == nil, settingArguments.isEmpty else {
            Self.printError("--check takes no settings: soud --check <data-dir> [--json]")
            throw ExitCode(2)
        }
        let report: CheckReport
        do {
            report = try IndexChecker(path: directory).check()
        } catch {
            Self.printError(error.description)
            throw ExitCode(2)
        }
        print(json ? report.json() : report.text(), terminator: json ? "\n" : "")
        if !report.isClean { throw ExitCode(1) }
    }

    static func printError(_ message: String) {
        var line = Array("soud: error: \(message)\n".utf8)
        _ = line.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }

    func run() async throws {
        if let checkDirectory { return try runCheck(checkDirectory) }
        MallocTuning.limitArenas(to: 2)
        let configuration: Configuration
        do {
            configuration = try resolvedConfiguration()
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "soud")
        let daemon = Daemon(configuration: configuration, logger: logger) {
            try await CatalogBackend.open(configuration) { message in
                logger.warning("\(message)")
            }
        }
        var groupConfiguration = ServiceGroupConfiguration(
            services: [.init(service: daemon)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        // After this, in-flight requests are cancelled; the catalog is still closed.
        groupConfiguration.maximumGracefulShutdownDuration = .milliseconds(configuration.shutdownTimeoutMilliseconds)
        let group = ServiceGroup(configuration: groupConfiguration)
        do {
            try await group.run()
        } catch {
            let message = (error as? DaemonError)?.description ?? String(describing: error)
            logger.critical("soud failed: \(message)")
            Self.printError(message)
            throw ExitCode(1)
        }
    }
}
