#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking client connection to `soud` over its Unix socket.
///
/// Plain POSIX sockets: simple and enough for a CLI and for tests. Write any number of
/// request lines (pipelining), then read the same number of responses in order.
/// Not thread-safe; use one connection per thread.
public final class SouConnection {
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0

    /// Connects to the daemon.
    ///
    /// - Parameters:
    ///   - socketPath: the daemon's socket.
    ///   - timeout: how long a read or write may block; nil: forever.
    /// - Throws: `ClientError.unreachable` when nothing answers on `socketPath`.
    public init(socketPath: String, timeout: Duration? = nil) throws(ClientError) {
        #if canImport(Glibc)
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
        fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw .unreachable(path: socketPath, reason: Self.lastError()) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(socketPath.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close()
            throw .unreachable(path: socketPath, reason: "socket path too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let reason = Self.lastError()
            close()
            throw .unreachable(path: socketPath, reason: reason)
        }
        if let timeout {
            let (seconds, attoseconds) = timeout.components
            var value = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
        }
    }

    // A throwing init that has set every property still runs deinit, so the failure paths
    // above close through `close()`, which sets `fd` to -1: closing the same number twice
    // could close a descriptor another thread has opened meanwhile.
    deinit {
        if fd >= 0 { systemClose(fd) }
    }

    /// Closes the connection (also done on deinit).
    public func close() {
        if fd >= 0 {
            systemClose(fd)
            fd = -1
        }
    }

    /// Ends the sending side (`shutdown(SHUT_WR)`): the daemon sees end of input but can
    /// still send the replies of everything written before.
    public func shutdownWrite() {
        if fd >= 0 { _ = shutdown(fd, Int32(SHUT_WR)) }
    }

    /// Sends one request line; `\n` is appended.
    ///
    /// - Throws: `ClientError.invalidRequest` when `line` contains a `\n` (it would be sent
    ///   as two requests: `GET a\nDROP news` must not drop an index), or a connection error.
    public func send(_ line: String) throws(ClientError) {
        if line.utf8.contains(10) {
            throw .invalidRequest("a request is one line; this one contains a newline")
        }
        try write(Array(line.utf8) + [10])
    }

    /// Sends bytes exactly as given (for raw protocol use and malformed-input tests).
    public func write(_ bytes: [UInt8]) throws(ClientError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                #if canImport(Glibc)
                Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                #else
                Darwin.send(fd, raw.baseAddress! + offset, raw.count - offset, 0)
                #endif
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw .connectionLost(Self.lastError())
            }
            offset += written
        }
    }

    /// Reads one line without its `\n` (and `\r`); nil when the daemon closed the connection.
    public func readLine() throws(ClientError) -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 10) {
                var end = newline
                if end > start && buffer[end - 1] == 13 { end -= 1 }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = newline + 1
                if start > 65536 {
                    buffer.removeFirst(start)
                    start = 0
                }
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw .timeout }
                throw .connectionLost(Self.lastError())
            }
            if count == 0 {
                if start < buffer.count {
                    let line = String(decoding: buffer[start...], as: UTF8.self)
                    buffer = []
                    start = 0
                    return line
                }
                return nil
            }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }

    /// Reads one whole response: data lines up to the final `OK`/`ERR` line, or one JSON line.
    ///
    /// - Throws: `ClientError.connectionLost` when the connection ends mid-response.
    public func readResponse() throws(ClientError) -> ClientResponse {
        var lines: [String] = []
        while true {
            guard let line = try readLine() else {
                throw .connectionLost("the daemon closed the connection")
            }
            if lines.isEmpty && line.hasPrefix("{") {
                return ClientResponse(lines: [], final: line)
            }
            if line == "OK" || line.hasPrefix("OK ") || line.hasPrefix("ERR ") {
                return ClientResponse(lines: lines, final: line)
            }
            lines.append(line)
        }
    }

    /// Sends one request and reads its response.
    public func request(_ line: String) throws(ClientError) -> ClientResponse {
        try send(line)
        return try readResponse()
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}

private func systemClose(_ fd: Int32) {
    #if canImport(Glibc)
    _ = Glibc.close(fd)
    #else
    _ = Darwin.close(fd)
    #endif
}
