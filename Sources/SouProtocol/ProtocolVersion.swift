/// Versions reported by `VERSION`.
public enum ProtocolVersion {
    /// The protocol revision; bumped on any incompatible change to docs/PROTOCOL.md.
    public static let protocolRevision = 1
    /// The daemon's release.
    public static let software = "0.1.0"
}
