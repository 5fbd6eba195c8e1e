/// The kinds of file Sou writes, each with its own four-byte magic (docs/FORMAT.md §2).
///
/// The magic is the four ASCII bytes in file order; compared as a little-endian `UInt32`.
public enum FileKind: String, Sendable, CaseIterable {
    case segmentMeta = "SOUM"
    case termDictionary = "SOUD"
    case postings = "SOUP"
    case positions = "SOUX"
    case storedFields = "SOUS"
    case fieldNorms = "SOUN"
    case idColumn = "SOUC"
    case deletions = "SOUK"
    case manifest = "SOUI"
    case writeAheadLog = "SOUW"

    /// The magic as it is compared: the four bytes read as a little-endian `UInt32`.
    public var magic: UInt32 {
        let b = Array(rawValue.utf8)
        return UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
    }

    /// The format versions this build reads. Bump the upper bound on any layout change.
    public var supportedVersions: ClosedRange<UInt16> { 1...currentVersion }

    /// The version this build writes: 2 for postings (skip entries carry score impacts,
    /// docs/FORMAT.md §3.2) and deletions (they carry the deleted documents' field
    /// statistics, §8), 1 for every other kind.
    public var currentVersion: UInt16 {
        switch self {
        case .postings, .deletions: return 2
        default: return 1
        }
    }
}
