import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a path names, following symbolic links.
enum FileKind {
    case missing, directory, regular, other

    init(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            self = .missing
            return
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: self = .directory
        case S_IFREG: self = .regular
        default: self = .other
        }
    }
}

/// Reading user-supplied files with Foundation calls that throw on I/O errors (`EISDIR`,
/// `EIO`, …); the older `readData(ofLength:)`, `readDataToEndOfFile()` trap on them.
enum InputFile {
    /// Opens `path` for reading.
    static func open(_ path: String) throws -> FileHandle {
        try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
    }

    /// The whole file.
    static func contents(_ path: String) throws -> Data {
        let handle = try open(path)
        defer { try? handle.close() }
        return try handle.readToEnd() ?? Data()
    }

    /// A short reason for a failed open or read: the POSIX error text when there is one.
    static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
            let message = strerror(Int32(underlying.code))
        {
            return String(cString: message)
        }
        if nsError.domain == NSPOSIXErrorDomain, let message = strerror(Int32(nsError.code)) {
            return String(cString: message)
        }
        return nsError.localizedDescription
    }
}
