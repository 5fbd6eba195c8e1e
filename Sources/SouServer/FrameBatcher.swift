import NIOCore

/// Groups the frames decoded from one socket read into one array, so a connection sees
/// pipelined requests together (consecutive `ADD`s become one durable batch).
public final class FrameBatcher: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = Frame
    public typealias InboundOut = [Frame]

    private var pending: [Frame] = []
    /// Flush early past this many frames so one huge read cannot build an unbounded batch.
    private let maxBatch: Int
    /// Counts every frame passed on (`STAT requests_received`).
    private let counters: ServerCounters?

    /// - Parameters:
    ///   - maxBatch: most frames in one batch.
    ///   - counters: where frames read are counted, if anywhere.
    public init(maxBatch: Int = 1024, counters: ServerCounters? = nil) {
        self.maxBatch = maxBatch
        self.counters = counters
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        pending.append(unwrapInboundIn(data))
        if pending.count >= maxBatch { flush(context) }
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        flush(context)
        context.fireChannelReadComplete()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        flush(context)
        context.fireChannelInactive()
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        flush(context)
        context.fireUserInboundEventTriggered(event)
    }

    private func flush(_ context: ChannelHandlerContext) {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending = []
        counters?.requestsReceived.add(batch.count, ordering: .relaxed)
        context.fireChannelRead(wrapInboundOut(batch))
    }
}

@available(*, unavailable)
extension FrameBatcher: Sendable {}
