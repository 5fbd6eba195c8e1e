import NIOCore

/// Wraps an accepted connection in the `NIOAsyncChannel` the accept loop hands to
/// `ConnectionHandler`, one that closes the connection if it is dropped unserved.
///
/// `NIOAsyncChannel(wrappingChannelSynchronously:)` traps ("Deinited NIOAsyncWriter without
/// calling finish()") when the wrapper is released before `executeThenClose` ran. That happens
/// to a connection accepted just as shutdown closes the listening socket: the server's inbound
/// stream has finished, NIO drops the freshly made child wrapper and the process crashes instead
/// of exiting 0 (apple/swift-nio#2637, #3481). The older initializer finishes the writer and closes
/// the channel on deinit instead; it is deprecated only because it makes that teardown implicit,
/// which is exactly what an unserved connection needs. Every served connection still goes through
/// `executeThenClose`.
protocol ChildChannelWrapping {
    static func wrapAccepted(
        _ channel: Channel,
        configuration: NIOAsyncChannel<[Frame], ByteBuffer>.Configuration
    )
        throws -> Self
}

extension NIOAsyncChannel: ChildChannelWrapping where Inbound == [Frame], Outbound == ByteBuffer {
    @available(*, deprecated, message: "closes on deinit on purpose; see ChildChannelWrapping")
    static func wrapAccepted(_ channel: Channel, configuration: Configuration) throws -> Self {
        try Self(synchronouslyWrapping: channel, configuration: configuration)
    }
}

extension ChildChannelWrapping {
    /// Must run on the channel's event loop, before it becomes active (a child initializer).
    static func wrap(
        _ channel: Channel,
        configuration: NIOAsyncChannel<[Frame], ByteBuffer>.Configuration
    )
        throws -> Self
    {
        try wrapAccepted(channel, configuration: configuration)
    }
}
