/// The position counter and the pending word or CJK run of one field: turns a sequence of
/// normalized characters (class, normalized bytes, original range) into tokens, exactly as
/// ``Analyzer/referenceTokens(_:)`` does with `Segmenter`.
///
/// Both paths of ``TokenStream`` feed it: the byte-level fast path one scalar at a time, the
/// `Character` fallback one normalized grapheme cluster at a time. A word or CJK run carries on
/// from one to the other. Tokens go out as soon as they are known: a bigram when its second
/// character arrives, a word or a run's final unigram when the word or run ends.
///
/// While a word or a run's last character is made of input bytes that normalization leaves
/// alone (lower-case ASCII, CJK), its term is a view of the input; otherwise the bytes are
/// copied into `word` or `run`, which keep their capacity from field to field.
struct TokenEmitter {
    /// The text being analyzed; set for the duration of ``analyze(_:_:)`` only.
    var input = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    /// The next free position.
    private var position = 0
    /// The last emitted token's position + 1: the field length.
    private var length = 0

    /// Original byte range of the pending word; `wordStart < 0` when there is none.
    private var wordStart = -1
    private var wordEnd = 0
    /// Normalized length of the pending word.
    private var wordLength = 0
    /// Whether the pending word's normalized bytes are `input[wordStart..<wordEnd]`.
    private var wordIsInput = false
    /// The pending word's normalized bytes when they are not the input's, as long as they fit
    /// in ``Analyzer/maxWordBytes`` (a longer word is never emitted).
    private var word: [UInt8] = []

    /// Byte length of the run's last character; 0 when there is no run.
    private var previousLength = 0
    /// Original range of the run's last character.
    private var previousRange = 0..<0
    /// Whether the run's last character's normalized bytes are `input[previousRange]`.
    private var previousIsInput = false
    /// The run's last character's normalized bytes when they are not the input's, followed by
    /// the incoming character's while a bigram is emitted.
    private var run: [UInt8] = []

    /// Starts a new field, keeping the buffers' capacity.
    mutating func reset() {
        position = 0
        length = 0
        wordStart = -1
        wordLength = 0
        word.removeAll(keepingCapacity: true)
        previousLength = 0
    }

    /// Ends the field: emits the pending word or run.
    /// - Returns: the field length in positions.
    mutating func finish(_ body: (TokenView) throws -> Void) rethrows -> Int {
        try separator(body)
        return length
    }

    /// A separator character: ends the pending word or run.
    @inline(__always)
    mutating func separator(_ body: (TokenView) throws -> Void) rethrows {
        if wordStart >= 0 { try endWord(body) }
        if previousLength > 0 { try endRun(body) }
    }

    /// A word character that normalizes to one ASCII byte, from the input bytes `range`.
    @inline(__always)
    mutating func wordByte(_ byte: UInt8, _ range: Range<Int>, _ body: (TokenView) throws -> Void) rethrows {
        if previousLength > 0 { try endRun(body) }
        if wordStart < 0 {
            (wordStart, wordEnd) = (range.lowerBound, range.lowerBound)
            wordIsInput = true
        }
        if wordIsInput && (range.count != 1 || input[range.lowerBound] != byte) { copyWord() }
        if !wordIsInput && wordLength < Analyzer.maxWordBytes { word.append(byte) }
        wordLength += 1
        wordEnd = range.upperBound
    }

    /// A word character with its normalized bytes and original range.
    mutating func wordCharacter(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ range: Range<Int>,
        _ body: (TokenView) throws -> Void
    ) rethrows {
        if previousLength > 0 { try endRun(body) }
        if wordStart < 0 {
            (wordStart, wordEnd) = (range.lowerBound, range.lowerBound)
            wordIsInput = false
        }
        if wordIsInput { copyWord() }
        if wordLength + bytes.count <= Analyzer.maxWordBytes { word.append(contentsOf: bytes) }
        wordLength += bytes.count
        wordEnd = range.upperBound
    }

    /// A CJK character whose normalized bytes are the input's `range` (fast path): takes a
    /// position and emits the bigram with the run's previous character, if any.
    @inline(__always)
    mutating func cjkScalar(_ range: Range<Int>, _ body: (TokenView) throws -> Void) rethrows {
        if wordStart >= 0 { try endWord(body) }
        if previousLength > 0 {
            let bigram = previousRange.lowerBound..<range.upperBound
            if previousIsInput && previousRange.upperBound == range.lowerBound {
                try Self.emit(UnsafeBufferPointer(rebasing: input[bigram]), at: position - 1, .cjkBigram, bigram, body)
            } else {
                try emitBigram(with: UnsafeBufferPointer(rebasing: input[range]), bigram, body)
            }
            length = position
        }
        previousLength = range.count
        previousRange = range
        previousIsInput = true
        position += 1
    }

    /// A CJK character with its normalized bytes and original range: takes a position and
    /// emits the bigram with the run's previous character, if any.
    mutating func cjkCharacter(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ range: Range<Int>,
        _ body: (TokenView) throws -> Void
    ) rethrows {
        if wordStart >= 0 { try endWord(body) }
        if previousLength > 0 {
            try emitBigram(with: bytes, previousRange.lowerBound..<range.upperBound, body)
            length = position
        }
        run.removeAll(keepingCapacity: true)
        run.append(contentsOf: bytes)
        previousLength = bytes.count
        previousRange = range
        previousIsInput = false
        position += 1
    }

    /// Emits the run's last character followed by `bytes` from the `run` buffer.
    private mutating func emitBigram(
        with bytes: UnsafeBufferPointer<UInt8>,
        _ range: Range<Int>,
        _ body: (TokenView) throws -> Void
    ) rethrows {
        if previousIsInput {
            run.removeAll(keepingCapacity: true)
            run.append(contentsOf: UnsafeBufferPointer(rebasing: input[previousRange]))
        }
        run.append(contentsOf: bytes)
        let position = position - 1
        try run.withUnsafeBufferPointer { term in try Self.emit(term, at: position, .cjkBigram, range, body) }
    }

    /// Moves the pending word from the input into `word`, before a character that changes.
    private mutating func copyWord() {
        word.removeAll(keepingCapacity: true)
        if wordLength <= Analyzer.maxWordBytes {
            word.append(contentsOf: UnsafeBufferPointer(rebasing: input[wordStart..<wordEnd]))
        }
        wordIsInput = false
    }

    /// Emits the pending word unless it is too long; it takes a position either way.
    private mutating func endWord(_ body: (TokenView) throws -> Void) rethrows {
        if wordLength <= Analyzer.maxWordBytes {
            let (position, range) = (position, wordStart..<wordEnd)
            if wordIsInput {
                try Self.emit(UnsafeBufferPointer(rebasing: input[range]), at: position, .word, range, body)
            } else {
                try word.withUnsafeBufferPointer { term in try Self.emit(term, at: position, .word, range, body) }
            }
            length = position + 1
        }
        position += 1
        word.removeAll(keepingCapacity: true)
        wordLength = 0
        wordStart = -1
    }

    /// Emits the run's last character as its unigram and ends the run.
    private mutating func endRun(_ body: (TokenView) throws -> Void) rethrows {
        let (position, range) = (position - 1, previousRange)
        if previousIsInput {
            try Self.emit(UnsafeBufferPointer(rebasing: input[range]), at: position, .cjkUnigram, range, body)
        } else {
            try run.withUnsafeBufferPointer { term in try Self.emit(term, at: position, .cjkUnigram, range, body) }
        }
        length = position + 1
        previousLength = 0
    }

    /// Hands one token to `body`; the caller then sets `length`.
    @inline(__always)
    private static func emit(
        _ term: UnsafeBufferPointer<UInt8>,
        at position: Int,
        _ kind: TokenKind,
        _ range: Range<Int>,
        _ body: (TokenView) throws -> Void
    ) rethrows {
        try body(TokenView(term: term, position: position, kind: kind, range: range))
    }
}
