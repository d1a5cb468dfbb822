import Foundation

/// Changes one value of a scenario document before it is decoded, addressed in the scenario's own
/// key syntax: `demand.growth`, `settings[2].capacity`, `settings[id=indep].costPerPlace`,
/// `finance.grant.2027/28`. Used by `compare --set` and `sweep --vary`.
public struct ScenarioEdit: Sendable, Equatable, CustomStringConvertible {
    public enum Segment: Sendable, Equatable {
        case key(String)
        case index(Int)
        /// The element of a list whose `id` (or another key) equals a value.
        case match(key: String, value: String)
    }

    public var path: String
    public var segments: [Segment]
    public var value: SourceValue

    public var description: String { "\(path)=\(Self.show(value))" }

    public struct EditError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
        public init(message: String) { self.message = message }
    }

    /// Parses `PATH=VALUE`; the value is read as JSON (a number, text in quotes, null, a list…) or,
    /// when it is not JSON, as plain text.
    public init(assignment: String) throws(EditError) {
        guard let equals = assignment.firstIndex(of: "=") , equals != assignment.startIndex else {
            throw EditError(message: "expected PATH=VALUE, got \"\(assignment)\"")
        }
        // The path may itself contain "=" inside [key=value]: split at the first "=" outside brackets.
        var depth = 0, split: String.Index?
        for index in assignment.indices {
            switch assignment[index] {
            case "[": depth += 1
            case "]": depth -= 1
            case "=" where depth == 0: split = index
            default: break
            }
            if split != nil { break }
        }
        guard let split else { throw EditError(message: "expected PATH=VALUE, got \"\(assignment)\"") }
        try self.init(path: String(assignment[..<split]), valueText: String(assignment[assignment.index(after: split)...]))
    }

    public init(path: String, valueText: String) throws(EditError) {
        self.path = path
        self.segments = try Self.parse(path)
        if let parsed = try? JSONSourceParser.parse(Array(valueText.utf8)) {
            value = parsed.root.value
        } else {
            value = .string(valueText)
        }
    }

    /// An edit whose value is already parsed (a JSON request's `{"path": …, "value": …}`).
    public init(path: String, value: SourceValue) throws(EditError) {
        self.path = path
        self.segments = try Self.parse(path)
        self.value = value
    }

    public init(path: String, number: Double) throws(EditError) {
        self.path = path
        self.segments = try Self.parse(path)
        value = .number(number, text: Self.show(.number(number, text: "")))
    }

    public static func show(_ value: SourceValue) -> String {
        switch value {
        case .number(let number, let text): return text.isEmpty ? (number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : "\(number)") : text
        case .string(let text): return text
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .array: return "[…]"
        case .object: return "{…}"
        }
    }

    static func parse(_ path: String) throws(EditError) -> [Segment] {
        var segments: [Segment] = []
        var rest = Substring(path)
        while !rest.isEmpty {
            if rest.first == "[" {
                guard let close = rest.firstIndex(of: "]") else { throw EditError(message: "\(path): a '[' is not closed") }
                let inside = rest[rest.index(after: rest.startIndex)..<close]
                if let equals = inside.firstIndex(of: "=") {
                    segments.append(.match(key: String(inside[..<equals]), value: String(inside[inside.index(after: equals)...])))
                } else if let index = Int(inside), index >= 0 {
                    segments.append(.index(index))
                } else {
                    throw EditError(message: "\(path): [\(inside)] must be a position such as [2] or a match such as [id=indep]")
                }
                rest = rest[rest.index(after: close)...]
                if rest.first == "." { rest = rest.dropFirst() }
            } else {
                // A key runs to the next '.' or '['; a year label such as 2026/27 is a key like any other.
                let end = rest.firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
                let key = String(rest[..<end])
                guard !key.isEmpty else { throw EditError(message: "\(path): an empty key") }
                segments.append(.key(key))
                rest = rest[end...]
                if rest.first == "." { rest = rest.dropFirst() }
            }
        }
        guard !segments.isEmpty else { throw EditError(message: "an empty path") }
        return segments
    }

    /// Applies the edit to a document. The last key may be new (an optional key such as
    /// `discountRate`); everything before it must exist.
    public func apply(to root: inout SourceNode) throws(EditError) {
        try Self.apply(segments[...], value, to: &root, walked: "")
    }

    private static func apply(_ segments: ArraySlice<Segment>, _ value: SourceValue, to node: inout SourceNode, walked: String) throws(EditError) {
        guard let segment = segments.first else {
            node.value = value
            return
        }
        let rest = segments.dropFirst()
        switch (segment, node.value) {
        case (.key(let key), .object(var members)):
            let here = walked.isEmpty ? key : "\(walked).\(key)"
            if let position = members.lastIndex(where: { $0.key == key }) {
                try apply(rest, value, to: &members[position].value, walked: here)
            } else if rest.isEmpty {
                members.append(SourceMember(key: key, keyLocation: node.location, value: SourceNode(value, at: node.location)))
            } else if rest.allSatisfy({ if case .key = $0 { return true } else { return false } }) {
                // A new optional object (`capital.budget` in a scenario without `capital`): made
                // on the way; a misspelt key is then the decoder's "unknown key" with its place.
                var fresh = SourceNode(.object([]), at: node.location)
                try apply(rest, value, to: &fresh, walked: here)
                members.append(SourceMember(key: key, keyLocation: node.location, value: fresh))
            } else {
                var message = "\(here): no such key"
                if let guess = DecodeContext.closest(to: key, in: members.map(\.key)) { message += "; did you mean \"\(guess)\"?" }
                throw EditError(message: message)
            }
            node.value = .object(members)
        case (.index(let index), .array(var elements)):
            let here = "\(walked)[\(index)]"
            guard elements.indices.contains(index) else { throw EditError(message: "\(here): the list has \(elements.count) elements") }
            try apply(rest, value, to: &elements[index], walked: here)
            node.value = .array(elements)
        case (.match(let key, let wanted), .array(var elements)):
            let here = "\(walked)[\(key)=\(wanted)]"
            guard let position = elements.firstIndex(where: { if case .string(let text)? = $0[key]?.value { return text == wanted } else { return false } }) else {
                throw EditError(message: "\(here): no element has \(key) \"\(wanted)\"")
            }
            try apply(rest, value, to: &elements[position], walked: here)
            node.value = .array(elements)
        default:
            throw EditError(message: "\(walked.isEmpty ? "the scenario" : walked) is \(node.value.kindName); cannot go into it with \(segment)")
        }
    }
}

extension ScenarioDecoder {
    /// The document of a scenario file with `edits` applied (not decoded): what a saved variant holds.
    public static func editedDocument(path: String, edits: [ScenarioEdit], maxInputBytes: Int = Limits.defaultMaxInputBytes) throws -> SourceNode {
        try editedDocument(bytes: try readFile(path, maxInputBytes: maxInputBytes), path: path, edits: edits)
    }

    /// The document of scenario `bytes` (read from `path`) with `edits` applied.
    public static func editedDocument(bytes: [UInt8], path: String, edits: [ScenarioEdit]) throws -> SourceNode {
        var parsed = try parse(bytes, syntax: source(of: path, bytes).syntax)
        if !parsed.issues.isEmpty { throw ScenarioErrors(parsed.issues) }
        for edit in edits { try edit.apply(to: &parsed.root) }
        return parsed.root
    }

    /// Reads a scenario file, applies `edits` to the document, then decodes it.
    public static func load(path: String, edits: [ScenarioEdit], maxInputBytes: Int = Limits.defaultMaxInputBytes) throws -> Scenario {
        try load(bytes: try readFile(path, maxInputBytes: maxInputBytes), path: path, edits: edits, maxInputBytes: maxInputBytes)
    }

    /// A scenario already read (`bytes`, from `path`, whose folder its file names are relative
    /// to), with `edits` applied; with `confinedTo`, the files it names must lie inside that folder.
    public static func load(bytes: [UInt8], path: String, edits: [ScenarioEdit], maxInputBytes: Int = Limits.defaultMaxInputBytes,
                            confinedTo: String? = nil) throws -> Scenario {
        let source = source(of: path, bytes)
        var parsed = try parse(bytes, syntax: source.syntax)
        for edit in edits { try edit.apply(to: &parsed.root) }
        var scenario = try decode(root: parsed.root, issues: parsed.issues, baseDirectory: source.folder, maxInputBytes: maxInputBytes, confinedTo: confinedTo)
        scenario.inputs.insert(Scenario.InputFile(name: source.name, content: bytes), at: 0)
        scenario.edits = edits.map(\.description)
        return scenario
    }
}
