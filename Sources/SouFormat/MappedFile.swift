import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One read-only memory map of a whole file; unmapped in `deinit`.
///
/// Safety of `@unchecked Sendable`: the mapping is created in `init`, never written
/// (PROT_READ), and released only in `deinit`, when no reference (and so no reader)
/// remains. Readers that hold a `MappedFile` therefore never see unmapped memory.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    /// The whole file. Empty files map to an empty buffer.
    public let bytes: UnsafeRawBufferPointer
    private let mapping: UnsafeMutableRawPointer?
    private let length: Int
    private let checksummed = Atomic<Int>(0)

    /// How many bytes of this file have been checksummed (`FileFraming.verifyChecksum(of:)`)
    /// since it was mapped: lets tests see that opening with `OpenChecks.structure` reads no
    /// body, and that verification reads all of it.
    public var checksummedBytes: Int { checksummed.load(ordering: .relaxed) }

    func countChecksummed(_ bytes: Int) { checksummed.add(bytes, ordering: .relaxed) }

    /// Maps `path` read-only.
    /// - Parameters:
    ///   - willNeed: advise the kernel to read ahead (hot files such as postings).
    ///   - randomAccess: advise the kernel not to read around faults (`MADV_RANDOM`) until
    ///     `endRandomAccess()`: opening reads a file's header and trailer only, and a fault on a
    ///     cold file otherwise reads `read_ahead_kb` around it (8 MiB on some machines: the
    ///     whole of most segment files).
    /// - Throws: `FormatError.io` if the file cannot be opened or mapped.
    public init(path: String, willNeed: Bool = false, randomAccess: Bool = false) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FormatError.io(file: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FormatError.io(file: path, operation: "fstat", errno: errno) }
        length = Int(info.st_size)
        if length == 0 {
            mapping = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let pointer = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0)
        guard let pointer, pointer != MAP_FAILED else {
            throw FormatError.io(file: path, operation: "mmap", errno: errno)
        }
        if willNeed { _ = madvise(pointer, length, MADV_WILLNEED) }
        if randomAccess { _ = madvise(pointer, length, MADV_RANDOM) }
        mapping = pointer
        bytes = UnsafeRawBufferPointer(start: pointer, count: length)
    }

    /// Drops this process's mappings of the file's pages (`madvise(MADV_DONTNEED)`): after a
    /// one-time pass such as checksum verification, the file no longer counts toward the
    /// process's resident memory. The pages stay in the kernel's page cache; a later read
    /// faults them back in. The bytes seen through `bytes` never change.
    public func releaseResidentPages() {
        if let mapping { _ = madvise(mapping, length, MADV_DONTNEED) }
    }

    /// Drops this process's mappings of the pages that hold `range` (whole pages inside it,
    /// plus the partial ones at its ends); see `releaseResidentPages()`.
    public func releaseResidentPages(_ range: Range<Int>) {
        advise(range, MADV_DONTNEED)
    }

    /// Ends `randomAccess` (`MADV_NORMAL`): later faults read ahead as usual, for queries.
    public func endRandomAccess() {
        if let mapping { _ = madvise(mapping, length, MADV_NORMAL) }
    }

    /// Asks the kernel to read `range` ahead (`MADV_WILLNEED`), for a sequential pass.
    public func willNeed(_ range: Range<Int>) {
        advise(range, MADV_WILLNEED)
    }

    private func advise(_ range: Range<Int>, _ advice: Int32) {
        guard let mapping, !range.isEmpty else { return }
        let page = Self.pageSize
        let start = range.lowerBound / page * page
        let end = min(length, range.upperBound)
        guard start < end else { return }
        _ = madvise(mapping + start, end - start, advice)
    }

    private static let pageSize = max(4096, Int(sysconf(Int32(_SC_PAGESIZE))))

    deinit {
        if let mapping { munmap(mapping, length) }
    }

    /// The file's name without its directory, for error messages.
    public var name: String { path.split(separator: "/").last.map(String.init) ?? path }
}
