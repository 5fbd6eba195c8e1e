import NIOCore

/// One unit the line decoder hands to a connection.
public enum Frame: Sendable, Equatable {
    /// A complete line without its `\n` (a trailing `\r` is kept; the parser drops it).
    case line(ByteBuffer)
    /// A line longer than the limit; its bytes were discarded up to and including its `\n`.
    case tooLong
    /// Bytes after the last `\n` when the peer ended its input: an incomplete request
    /// (e.g. a client that disconnected mid-request). It is never run, since a cut-off
    /// line can mean something else (`DROP news2` cut to `DROP news`).
    case unterminated
}

/// Splits the inbound byte stream into lines of at most `maxLineBytes` bytes.
///
/// Not swift-nio-extras' `LineBasedFrameDecoder`: that one has no length limit (a client
/// could make the daemon buffer an endless line), and wrapping it in
/// `ByteToMessageHandler(maximumBufferSize:)` closes the connection on overflow instead of
/// answering `ERR LINE_TOO_LONG` and carrying on with the next line.
///
/// A line longer than the limit yields one `.tooLong` as soon as the limit is passed (so
/// the reply does not wait for the rest of it); the decoder then discards bytes up to the
/// next `\n` and carries on with the line after it. Memory per connection is bounded by
/// the limit. Bytes after the last `\n` at end of stream become one `.unterminated`.
public struct LineFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = Frame

    /// The longest line accepted, excluding `\n`.
    public let maxLineBytes: Int
    private var discarding = false
    private var scanned = 0

    /// - Parameter maxLineBytes: the longest line accepted, excluding `\n`.
    public init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = nextFrame(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        if let frame = nextFrame(&buffer) {
            context.fireChannelRead(wrapInboundOut(frame))
            return .continue
        }
        if seenEOF, buffer.readableBytes > 0 {
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            scanned = 0
            if !discarding { context.fireChannelRead(wrapInboundOut(.unterminated)) }
            discarding = false
        }
        return .needMoreData
    }

    /// Takes the next frame out of `buffer`, or returns nil when more bytes are needed.
    ///
    /// Pure (no context), so tests can drive it directly.
    public mutating func nextFrame(_ buffer: inout ByteBuffer) -> Frame? {
        while true {
            let view = buffer.readableBytesView
            let start = view.startIndex + scanned
            if let newline = view[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let length = newline - view.startIndex
                scanned = 0
                if discarding {
                    buffer.moveReaderIndex(forwardBy: length + 1)
                    discarding = false
                    continue
                }
                if length > maxLineBytes {
                    buffer.moveReaderIndex(forwardBy: length + 1)
                    return .tooLong
                }
                let line = buffer.readSlice(length: length)!
                buffer.moveReaderIndex(forwardBy: 1)
                return .line(line)
            }
            if discarding {
                buffer.moveReaderIndex(forwardBy: view.count)
                scanned = 0
                return nil
            }
            if view.count > maxLineBytes {
                buffer.moveReaderIndex(forwardBy: view.count)
                scanned = 0
                discarding = true
                return .tooLong
            }
            scanned = view.count
            return nil
        }
    }
}
