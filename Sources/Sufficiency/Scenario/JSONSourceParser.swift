import Foundation

/// A strict JSON parser (RFC 8259) that records the line and column of every value, reports
/// duplicate keys, and stops at a nesting limit, none of which `JSONSerialization` does.
///
/// Syntax errors end the parse (the rest of the file cannot be trusted); duplicate keys are
/// collected and parsing goes on, so they are reported together with the scenario's other problems.
public struct JSONSourceParser {
    /// The deepest nesting allowed; the top-level object is depth 1.
    public static let defaultMaxDepth = 64

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private var columnMark = 0
    private var columnAtMark = 1
    private let maxDepth: Int
    private(set) var duplicateKeys: [ScenarioIssue] = []

    private struct SyntaxError: Error { var issue: ScenarioIssue }

    private init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Parses a whole document. Returns the root and the duplicate keys found (to be reported with
    /// the scenario's other problems), or throws the first syntax error (after any duplicates before it).
    public static func parse(_ data: [UInt8], maxDepth: Int = defaultMaxDepth) throws(ScenarioErrors) -> (root: SourceNode, issues: [ScenarioIssue]) {
        var parser = JSONSourceParser(bytes: data, maxDepth: maxDepth)
        do throws(SyntaxError) {
            // A UTF-8 byte order mark is allowed and skipped.
            if data.starts(with: [0xEF, 0xBB, 0xBF]) { parser.index = 3; parser.lineStart = 3 }
            parser.skipWhitespace()
            guard parser.index < data.count else {
                throw SyntaxError(issue: ScenarioIssue(path: "", message: "the file is empty", location: parser.location, kind: .syntax))
            }
            let root = try parser.parseValue(depth: 1, path: "")
            parser.skipWhitespace()
            if parser.index < data.count {
                throw parser.error("unexpected text after the end of the document, found \(parser.describeNext())")
            }
            return (root, parser.duplicateKeys)
        } catch {
            throw ScenarioErrors(parser.duplicateKeys + [error.issue])
        }
    }

    /// Where the parser is. Columns count characters, not bytes (UTF-8 continuation bytes are
    /// skipped); they are counted forward from the last place asked for on the same line, so the
    /// whole parse stays linear in the file's size however long its lines are.
    private var location: SourceLocation {
        mutating get {
            if columnMark < lineStart || columnMark > index { columnMark = lineStart; columnAtMark = 1 }
            while columnMark < index && columnMark < bytes.count {
                if bytes[columnMark] & 0xC0 != 0x80 { columnAtMark += 1 }
                columnMark += 1
            }
            return SourceLocation(line: line, column: columnAtMark)
        }
    }

    private mutating func error(_ message: String) -> SyntaxError {
        SyntaxError(issue: ScenarioIssue(path: "", message: "not valid JSON: \(message)", location: location, kind: .syntax))
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09: index += 1
            // CRLF, LF and a lone CR (old Mac files) each end a line.
            case 0x0D:
                index += 1
                if index >= bytes.count || bytes[index] != 0x0A { line += 1; lineStart = index }
            case 0x0A: index += 1; line += 1; lineStart = index
            default: return
            }
        }
    }

    private func describeNext() -> String {
        guard index < bytes.count else { return "the end of the file" }
        let byte = bytes[index]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(UnicodeScalar(byte)))'" }
        return String(format: "byte 0x%02X", byte)
    }

    private mutating func parseValue(depth: Int, path: String) throws(SyntaxError) -> SourceNode {
        guard index < bytes.count else { throw error("the file ends where a value was expected") }
        let start = location
        switch bytes[index] {
        case UInt8(ascii: "{"):
            guard depth <= maxDepth else { throw error("nested deeper than \(maxDepth) levels") }
            return SourceNode(try parseObject(depth: depth, path: path), at: start)
        case UInt8(ascii: "["):
            guard depth <= maxDepth else { throw error("nested deeper than \(maxDepth) levels") }
            return SourceNode(try parseArray(depth: depth, path: path), at: start)
        case UInt8(ascii: "\""):
            return SourceNode(.string(try parseString()), at: start)
        case UInt8(ascii: "t"): try expectWord("true"); return SourceNode(.bool(true), at: start)
        case UInt8(ascii: "f"): try expectWord("false"); return SourceNode(.bool(false), at: start)
        case UInt8(ascii: "n"): try expectWord("null"); return SourceNode(.null, at: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return SourceNode(try parseNumber(), at: start)
        case UInt8(ascii: "N"), UInt8(ascii: "I"):
            throw error("\(describeNext()) starts no JSON value (NaN and Infinity are not numbers in JSON)")
        default:
            throw error("expected a value, found \(describeNext())")
        }
    }

    private mutating func expectWord(_ word: String) throws(SyntaxError) {
        let count = word.utf8.count
        let matches = index + count <= bytes.count && bytes[index..<index + count].elementsEqual(word.utf8)
        guard matches else { throw error("expected \(word), found \(describeNext())") }
        index += count
    }

    private mutating func parseObject(depth: Int, path: String) throws(SyntaxError) -> SourceValue {
        index += 1
        var members: [SourceMember] = []
        var seen: [String: SourceLocation] = [:]
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") { index += 1; return .object([]) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw error("expected a key in quotes, found \(describeNext())")
            }
            let keyLocation = location
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw error("expected ':' after key \"\(key)\", found \(describeNext())")
            }
            index += 1
            skipWhitespace()
            let childPath = path.isEmpty ? key : "\(path).\(key)"
            let value = try parseValue(depth: depth + 1, path: childPath)
            if let first = seen[key] {
                duplicateKeys.append(ScenarioIssue(path: childPath, message: "key \"\(key)\" appears twice in one object (first at \(first))", location: keyLocation, kind: .duplicate))
                members.removeAll { $0.key == key }
            }
            seen[key] = keyLocation
            members.append(SourceMember(key: key, keyLocation: keyLocation, value: value))
            skipWhitespace()
            guard index < bytes.count else { throw error("the file ends inside an object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            throw error("expected ',' or '}', found \(describeNext())")
        }
    }

    private mutating func parseArray(depth: Int, path: String) throws(SyntaxError) -> SourceValue {
        index += 1
        var elements: [SourceNode] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") { index += 1; return .array([]) }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth + 1, path: "\(path)[\(elements.count)]"))
            skipWhitespace()
            guard index < bytes.count else { throw error("the file ends inside a list") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
            throw error("expected ',' or ']', found \(describeNext())")
        }
    }

    private mutating func parseString() throws(SyntaxError) -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        var runStart = index
        func flush(_ end: Int) throws(SyntaxError) {
            guard runStart < end else { return }
            guard let text = String(validating: bytes[runStart..<end], as: UTF8.self) else {
                throw error("text is not valid UTF-8")
            }
            scalars.append(contentsOf: text.unicodeScalars)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                try flush(index)
                index += 1
                return String(scalars)
            }
            if byte < 0x20 { throw error("a control character (line break or tab) inside text; write it as \\n or \\t") }
            if byte == UInt8(ascii: "\\") {
                try flush(index)
                index += 1
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    var code = try parseHex4()
                    if (0xD800...0xDBFF).contains(code) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error("a \\u escape gives half a surrogate pair")
                        }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("a \\u escape gives half a surrogate pair") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw error("a \\u escape names no character") }
                    scalars.append(scalar)
                default:
                    index -= 1
                    throw error("unknown escape \\\(describeNext())")
                }
                runStart = index
                continue
            }
            index += 1
        }
        throw error("the file ends inside text (a closing quote is missing)")
    }

    private mutating func parseHex4() throws(SyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("a \\u escape needs four hex digits") }
        var code: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("a \\u escape needs four hex digits")
            }
            code = code * 16 + digit
            index += 1
        }
        return code
    }

    private mutating func parseNumber() throws(SyntaxError) -> SourceValue {
        let start = index
        func digits() -> Int {
            let from = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - from
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { throw error("a number ends after '-'") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                throw error("a number has a leading zero")
            }
        } else if digits() == 0 {
            throw error("expected digits, found \(describeNext())")
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw error("a number needs digits after the decimal point") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw error("a number needs digits in its exponent") }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        // Too large for a double becomes ±infinity, which the decoder rejects as not finite.
        return .number(Double(text) ?? .nan, text: text)
    }
}
