extension IndexCatalog {
    /// Starts verifying, in the background, the checksums of every segment not verified yet,
    /// index by index and one segment at a time on a low-priority thread (`Index.verify`).
    ///
    /// The daemon calls this once its socket is up: opening checked only each file's
    /// structure, so it serves meanwhile. A segment that fails takes its index out of service
    /// (`Index.outOfService`, a warning names the file); the other indexes go on. Stops when
    /// the catalog closes. Calling it again while a pass runs does nothing.
    /// - Parameter finished: called once the pass has gone over every index (not when
    ///   cancelled), with how many segments it verified and how many indexes it took out of
    ///   service.
    public func verifyInBackground(finished: (@Sendable (_ segments: Int, _ failed: Int) -> Void)? = nil) {
        backgroundVerification.withLock { task in
            guard task == nil, !isClosed else { return }
            task = Task(priority: .background) { [self] in
                var verified = 0
                var failed = 0
                for name in names() {
                    guard !Task.isCancelled, !isClosed else { return }
                    guard let index = index(named: name), index.outOfService == nil else { continue }
                    do {
                        verified += try await index.verify(force: false)
                    } catch is CancellationError {
                        return
                    } catch {
                        failed += 1  // taken out of service, with a warning, by `verify`
                    }
                }
                finished?(verified, failed)
            }
        }
    }

    /// Waits for the background verification pass, if one was started, to end.
    public func waitForBackgroundVerification() async {
        await backgroundVerification.withLock { $0 }?.value
    }
}
