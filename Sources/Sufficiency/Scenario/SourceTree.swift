/// A position in a scenario file, 1-based, for error messages.
public struct SourceLocation: Sendable, Equatable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) { self.line = line; self.column = column }
    public var description: String { "line \(line), column \(column)" }
    public static func < (a: Self, b: Self) -> Bool { (a.line, a.column) < (b.line, b.column) }
}

/// A parsed JSON (or YAML) document that keeps where each value came from, so the scenario
/// decoder can report every problem with its place in the file.
public indirect enum SourceValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number with the text it was written as.
    case number(Double, text: String)
    case string(String)
    case array([SourceNode])
    /// Members in file order; duplicate keys are reported by the parser and the last one kept here.
    case object([SourceMember])

    /// A word for "expected a number, got …" messages.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a true/false value"
        case .number: return "a number"
        case .string: return "text"
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}

/// A value and where it starts.
public struct SourceNode: Sendable, Equatable {
    public var value: SourceValue
    public var location: SourceLocation
    public init(_ value: SourceValue, at location: SourceLocation) { self.value = value; self.location = location }

    /// The member named `key` when this is an object.
    public subscript(key: String) -> SourceNode? {
        guard case .object(let members) = value else { return nil }
        return members.last { $0.key == key }?.value
    }
}

public struct SourceMember: Sendable, Equatable {
    public var key: String
    public var keyLocation: SourceLocation
    public var value: SourceNode
    public init(key: String, keyLocation: SourceLocation, value: SourceNode) { self.key = key; self.keyLocation = keyLocation; self.value = value }
}

/// A problem found while reading a file: a syntax error or a rule broken.
public struct ScenarioIssue: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it is, so tests and tools can match kinds rather than words.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// The file cannot be read: missing, not a regular file, too large, not UTF-8.
        case file
        /// Not valid JSON or YAML.
        case syntax
        case unknownKey, missingKey, wrongType
        /// A number outside its allowed range.
        case outOfRange
        /// Above one of the stated limits (10 million children, £10 million a place, ...).
        case limit
        /// An id declared twice, or a key given twice.
        case duplicate
        /// A name that is not declared.
        case unknownReference
        /// Any other rule of the format (a cycle in requires, a setting that does not serve a need).
        case rule
    }

    /// Where in the document: `settings[3].capacity`; empty for the whole file.
    public var path: String
    public var kind: Kind
    public var message: String
    public var location: SourceLocation?
    /// The file it was found in, when not the scenario itself (a CSV, say).
    public var file: String?

    public init(path: String, message: String, location: SourceLocation? = nil, file: String? = nil, kind: Kind = .rule) {
        self.path = path
        self.kind = kind
        self.message = message
        self.location = location
        self.file = file
    }

    public var description: String {
        var text = path.isEmpty ? message : "\(path): \(message)"
        var place: [String] = []
        if let file { place.append(file) }
        if let location { place.append(location.description) }
        if !place.isEmpty { text += " (\(place.joined(separator: ", ")))" }
        return text
    }
}

/// Every problem found in a scenario, in file order.
public struct ScenarioErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var issues: [ScenarioIssue]
    public init(_ issues: [ScenarioIssue]) { self.issues = issues }
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
