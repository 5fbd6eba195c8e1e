/// Per-connection state: the chosen index, the reply format and the peer.
public struct Session: Sendable {
    /// The index `USE` chose; `default` at first.
    public var index: String = "default"
    /// Whether replies are JSON objects (`JSON ON`).
    public var json: Bool = false
    /// The peer's credentials, when the platform reports them.
    public var peer: PeerCredentials?
    /// Set once a reply that ends the connection (`QUIT`'s `OK bye`) was made.
    public var ended = false

    /// - Parameter peer: the peer's credentials.
    public init(peer: PeerCredentials? = nil) {
        self.peer = peer
    }
}
