extension TokenEmitter {
    /// Analyzes UTF-8 text: simple scalars on the fast path, everything else by grapheme cluster.
    ///
    /// A scalar takes the fast path if it and both its neighbours are ``SimpleScalar``s (the
    /// text's ends count as simple). Then there is a grapheme cluster boundary on both sides of
    /// it, in the original and in the normalized text, so it is one `Character` that normalizes
    /// to one known scalar, exactly what `Segmenter` would see. Each maximal stretch of other
    /// scalars goes to ``analyzeClusters(_:_:_:)``: it starts after a fast scalar (or at 0) and
    /// ends before one (or at the end), so both its ends lie between two simple scalars, where
    /// neither the original nor the normalized text can join a cluster across, and no
    /// cluster-breaking rule looks back across (docs/ANALYSIS.md §6). Its `Character`s are
    /// the whole text's, and a word or CJK run carries on across the stretch's ends.
    /// - Parameters:
    ///   - bytes: the text's UTF-8 (valid); only read during the call.
    ///   - body: called with each token.
    /// - Returns: the field length in positions (the last emitted position + 1, or 0).
    mutating func analyze(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (TokenView) throws -> Void) rethrows -> Int {
        reset()
        input = bytes
        defer { input = UnsafeBufferPointer(start: nil, count: 0) }
        let count = bytes.count
        var offset = 0
        var previousIsSimple = true
        var current = count > 0 ? SimpleScalar(bytes, at: 0) : SimpleScalar.end
        // Start of the pending stretch of scalars that need grapheme clusters; -1 if none.
        var stretchStart = -1
        while offset < count {
            let end = offset + current.length
            let next = end < count ? SimpleScalar(bytes, at: end) : SimpleScalar.end
            if previousIsSimple && current.isSimple && next.isSimple {
                if stretchStart >= 0 {
                    try analyzeClusters(bytes, stretchStart..<offset, body)
                    stretchStart = -1
                }
                switch current.scriptClass {
                case .word:
                    try wordByte(current.ascii, offset..<end, body)
                case .cjk:
                    try cjkScalar(offset..<end, body)
                case .separator:
                    try separator(body)
                }
            } else if stretchStart < 0 {
                stretchStart = offset
            }
            previousIsSimple = current.isSimple
            current = next
            offset = end
        }
        if stretchStart >= 0 { try analyzeClusters(bytes, stretchStart..<count, body) }
        return try finish(body)
    }
}
