import NIOCore
import NIOExtras

/// One unit the line decoder hands to a connection.
public enum Frame: Sendable, Equatable {
    /// A complete line without its `\n` or `\r\n`.
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
/// The framing itself (`\n` or `\r\n`, incremental scanning) is swift-nio-extras'
/// `LineBasedFrameDecoder`. It has no length limit, so a client could make the daemon
/// buffer an endless line, and `ByteToMessageHandler(maximumBufferSize:)` would close the
/// connection on overflow instead of answering `ERR LINE_TOO_LONG` and carrying on. This
/// decoder adds the limit around it:
///
/// - No line end among the buffered bytes and more than `maxLineBytes + 1` of them (a `\r`
///   may still come): one `.tooLong` at once (the reply does not wait for the rest of the
///   line); the bytes are dropped and the decoder discards up to the next `\n`, then
///   carries on with the line after it. Memory per connection stays bounded by the limit
///   plus one socket read.
/// - A complete line longer than the limit (it arrived within one read): `.tooLong`.
/// - Bytes after the last `\n` at end of stream: one `.unterminated`.
public struct LineFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = Frame

    /// The longest line accepted, excluding `\r\n`.
    public let maxLineBytes: Int
    /// The framing; replaced whenever bytes it has scanned are dropped from the buffer.
    private var lines = LineBasedFrameDecoder()
    private var discarding = false

    /// - Parameter maxLineBytes: the longest line accepted, excluding `\r\n`.
    public init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = nextFrame(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        if let frame = nextFrame(&buffer) {
            context.fireChannelRead(wrapInboundOut(frame))
            return .continue
        }
        if seenEOF, buffer.readableBytes > 0 {
            dropAll(&buffer)
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
            // `LineBasedFrameDecoder.decode(buffer:)` never throws; it only says it may.
            let line = try? lines.decode(buffer: &buffer)
            if discarding {
                guard line != nil else {
                    dropAll(&buffer)
                    return nil
                }
                discarding = false  // that was the end of the long line
                continue
            }
            if let line {
                return line.readableBytes > maxLineBytes ? .tooLong : .line(line)
            }
            guard buffer.readableBytes > maxLineBytes + 1 else { return nil }
            dropAll(&buffer)
            discarding = true
            return .tooLong
        }
    }

    private mutating func dropAll(_ buffer: inout ByteBuffer) {
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        lines = LineBasedFrameDecoder()
    }
}
