/// The one number syntax of every reader: JSON's (RFC 8259 §6), so a CSV cell takes exactly the
/// numbers a JSON value does (no `0x10`, `+5`, `inf`, `1_000` or trailing bytes), and the one
/// rule for tiny values.
enum NumberSyntax {
    /// Non-zero numbers smaller in magnitude are refused (SPEC §6): nobody means them, and they
    /// reach GLPK's scaling as 1e-300 and abort it.
    static let smallest = 1e-9
    static let tooSmall = "is too small to be meant (non-zero but below 1e-9 in size): write 0"

    /// Whether `value`, read from `text`, is a non-zero number below ``smallest`` in size —
    /// including one so small that it reads as 0 (`1e-400`), which is not the zero it looks like.
    static func isTooSmall(_ value: Double, text: Substring) -> Bool {
        if value != 0 { return abs(value) < smallest }
        let mantissa = text.prefix { $0 != "e" && $0 != "E" }
        return mantissa.contains { $0 >= "1" && $0 <= "9" }
    }

    /// The value of `text` when it is a JSON number, else nil. Too large for a double is ±infinity.
    static func parse(_ text: Substring) -> Double? {
        let bytes = text.utf8
        var index = bytes.startIndex
        func peek() -> UInt8? { index < bytes.endIndex ? bytes[index] : nil }
        func digits() -> Int {
            var count = 0
            while let byte = peek(), byte >= 0x30, byte <= 0x39 { index = bytes.index(after: index); count += 1 }
            return count
        }
        if peek() == UInt8(ascii: "-") { index = bytes.index(after: index) }
        if peek() == UInt8(ascii: "0") {
            index = bytes.index(after: index)
            if let byte = peek(), byte >= 0x30, byte <= 0x39 { return nil }
        } else if digits() == 0 { return nil }
        if peek() == UInt8(ascii: ".") {
            index = bytes.index(after: index)
            guard digits() > 0 else { return nil }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index = bytes.index(after: index)
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index = bytes.index(after: index) }
            guard digits() > 0 else { return nil }
        }
        guard index == bytes.endIndex else { return nil }
        return Double(text) ?? .nan
    }
}
