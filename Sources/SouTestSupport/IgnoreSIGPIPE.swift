#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes a write to a closed pipe or socket in the test process fail with EPIPE instead of
/// killing the whole test run with SIGPIPE (a daemon killed by a test, a child that exits
/// before reading its input). Evaluated once, by the first `DaemonProcess` or `ProcessRunner`.
enum IgnoreSIGPIPE {
    static let installed: Bool = {
        signal(SIGPIPE, SIG_IGN)
        return true
    }()
}
