import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SouProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `soud` server: a Unix-socket listener whose connections each run in a child task.
///
/// `run()` order: check the socket path (a live daemon → `DaemonError.socketInUse`; a stale
/// socket is removed), open the backend, bind with the configured mode, serve until graceful
/// shutdown (SIGTERM/SIGINT through `ServiceGroup`), then stop accepting, close idle
/// connections, let busy ones finish, remove the socket file and close the backend.
public final class Daemon: Service, Sendable {
    let configuration: Configuration
    let makeBackend: @Sendable () async throws -> any SearchBackend
    let logger: Logger
    let counters = ServerCounters()
    let registry = ConnectionRegistry()
    let onListening: @Sendable () -> Void

    /// - Parameters:
    ///   - configuration: every setting.
    ///   - logger: where the daemon logs.
    ///   - onListening: called once the socket accepts connections.
    ///   - makeBackend: opens the engine (after the socket check, so a second daemon fails on
    ///     the socket before it touches the data directory).
    public init(
        configuration: Configuration,
        logger: Logger,
        onListening: @escaping @Sendable () -> Void = {},
        makeBackend: @escaping @Sendable () async throws -> any SearchBackend
    ) {
        self.configuration = configuration
        self.makeBackend = makeBackend
        self.logger = logger
        self.onListening = onListening
    }

    /// Serves until graceful shutdown.
    ///
    /// - Throws: `DaemonError` when the socket or the data directory cannot be used.
    public func run() async throws {
        let path = configuration.socketPath
        try SocketFile.prepare(path)
        let backend: any SearchBackend
        do {
            backend = try await makeBackend()
        } catch {
            throw DaemonError.catalog(String(describing: error))
        }
        let server: NIOAsyncChannel<NIOAsyncChannel<[Frame], ByteBuffer>, Never>
        do {
            server = try await bind(path)
        } catch {
            try? await backend.close()
            throw DaemonError.bindFailed(path: path, reason: String(describing: error))
        }
        do {
            try SocketFile.setMode(path, configuration.socketMode)
        } catch {
            try? await server.channel.close()
            try? await backend.close()
            throw error
        }
        logger.info(
            "soud listening",
            metadata: [
                "socket": "\(path)", "data_dir": "\(configuration.dataDirectory)",
                "mode": "\(String(configuration.socketMode, radix: 8))",
            ]
        )
        onListening()
        // Opening checked only each segment file's structure: verify the checksums now,
        // off the request path (a failure takes that index out of service, with a warning).
        let verificationStarted = ContinuousClock.now
        let verificationLogger = logger
        backend.startBackgroundVerification { segments, failed in
            verificationLogger.info(
                "checksums verified",
                metadata: [
                    "segments": "\(segments)", "indexes_out_of_service": "\(failed)",
                    "took": "\(ContinuousClock.now - verificationStarted)",
                ]
            )
        }

        let handler = ConnectionHandler(
            executor: CommandExecutor(backend: backend, configuration: configuration, counters: counters),
            parser: RequestParser(
                limits: .init(maxDocumentBytes: configuration.maxDocumentBytes, maxResults: configuration.maxResults)
            ),
            registry: registry,
            counters: counters,
            configuration: configuration,
            logger: logger
        )
        let registry = self.registry
        let logger = self.logger
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await withDiscardingTaskGroup { group in
                    do {
                        try await server.executeThenClose { inbound in
                            for try await connection in inbound {
                                group.addTask { await handler.serve(connection) }
                            }
                        }
                    } catch {
                        if !registry.isShuttingDown {
                            logger.error("accept loop failed", metadata: ["error": "\(error)"])
                        }
                    }
                }
            } onCancel: {
                // The shutdown timeout passed: end the connections still working (e.g. one
                // blocked writing to a client that never reads).
                logger.notice("shutdown timeout: closing the remaining connections")
                registry.closeAll()
                server.channel.close(promise: nil)
            }
        } onGracefulShutdown: {
            let busy = registry.beginShutdown()
            logger.info("shutting down", metadata: ["busy_connections": "\(busy)"])
            server.channel.close(promise: nil)
        }
        logger.info("connections closed")
        if SocketFile.state(of: path) != .live { unlink(path) }
        do {
            // An unstructured task: closing (flushing buffered writes) must run even when
            // the shutdown timeout has cancelled this task.
            let closing = ContinuousClock.now
            try await Task { try await backend.close() }.value
            logger.info("indexes closed", metadata: ["took": "\(ContinuousClock.now - closing)"])
        } catch {
            logger.error("closing the catalog failed", metadata: ["error": "\(error)"])
            throw error
        }
        logger.info("soud stopped")
    }

    /// Write-buffer watermarks of each connection, in bytes.
    static let writeBuffer = (low: 256 << 10, high: 1 << 20)

    private func bind(_ path: String) async throws -> NIOAsyncChannel<NIOAsyncChannel<[Frame], ByteBuffer>, Never> {
        let maxLineBytes = configuration.maxLineBytes
        let counters = self.counters
        // The socket is created with mode 0600 whatever the process umask; setMode then
        // applies the configured mode. umask is process-wide, but nothing else creates files
        // while the daemon starts.
        let previous = umask(0o177)
        defer { umask(previous) }
        return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            // A client that sends its requests and then shuts down its write side
            // (`printf … | socat`) still gets every reply before the connection closes.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            // Backpressure on replies: the channel turns unwritable once more than `high`
            // bytes wait for a client that does not read; the connection's task then waits
            // (see `ConnectionHandler`) until they drain below `low`.
            .childChannelOption(
                .writeBufferWaterMark,
                value: .init(low: Self.writeBuffer.low, high: Self.writeBuffer.high)
            )
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maxLineBytes: maxLineBytes))
                    )
                    try channel.pipeline.syncOperations.addHandler(FrameBatcher(counters: counters))
                    let batches = ConnectionHandler.inboundBatches
                    return try NIOAsyncChannel<[Frame], ByteBuffer>.wrap(
                        channel,
                        configuration: .init(
                            backPressureStrategy: .init(lowWatermark: batches.low, highWatermark: batches.high)
                        )
                    )
                }
            }
    }
}
