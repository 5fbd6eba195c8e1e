/// The rules for external document ids, stated once for the index (`DocumentRules`), the
/// protocol (`ProtocolDocument`) and the `sou` client, each of which words its own message.
///
/// Ids travel as single words of a request line (`GET id`, `DELETE id…`), so they hold no
/// whitespace or control characters.
public enum DocumentID {
    /// External ids are at most this many UTF-8 bytes.
    public static let maxBytes = 512

    /// Why an id is not valid.
    public enum Problem: Sendable, Equatable {
        case empty
        /// Longer than `DocumentID.maxBytes` UTF-8 bytes.
        case tooLong
        case whitespaceOrControl
    }

    /// - Returns: why `id` cannot be a document id, or nil when it can.
    public static func problem(_ id: String) -> Problem? {
        if id.isEmpty { return .empty }
        if id.utf8.count > maxBytes { return .tooLong }
        if id.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
            return .whitespaceOrControl
        }
        return nil
    }
}
