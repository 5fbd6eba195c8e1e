import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A fresh directory under `/tmp` that is removed with everything in it on deinit.
///
/// Paths stay short so a socket inside fits `sockaddr_un` (< 104 bytes).
public final class TemporaryDirectory: @unchecked Sendable {
    // @unchecked: `path` is immutable; deinit is the only mutation of the file system.
    /// The directory's absolute path.
    public let path: String

    /// Creates `/tmp/<prefix>-XXXXXX`.
    ///
    /// - Throws: `CocoaError` when `mkdtemp` fails.
    public init(prefix: String = "sou") throws {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: "/tmp/\(prefix)-XXXXXX"])
        }
        path = String(cString: made)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `path/name`.
    public func appending(_ name: String) -> String {
        path + "/" + name
    }
}
