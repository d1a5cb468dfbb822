import CYaml
import Yams

/// Reads a YAML document (with the same structure as a JSON scenario) into a ``SourceNode`` tree.
///
/// The tree is built straight from libyaml's event stream (the parser Yams wraps), one event at a
/// time, so nothing is expanded before it is checked: an anchor, an alias or an explicit tag
/// (`!!int abc`) is a located error the moment it is seen, and an alias bomb costs no more than its
/// own text. Plain scalars are resolved by Yams' default resolver (null, booleans, numbers);
/// quoted ones are text.
enum YAMLSourceReader {
    static func parse(_ text: String, maxDepth: Int = JSONSourceParser.defaultMaxDepth) throws(ScenarioErrors) -> (root: SourceNode, issues: [ScenarioIssue]) {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { bytes = [0x0A] }
        return try bytes.withUnsafeBufferPointer { buffer throws(ScenarioErrors) in
            var reader = EventReader(buffer: buffer, maxDepth: maxDepth)
            defer { reader.close() }
            return try reader.document()
        }
    }

    private struct Failure: Error { var issue: ScenarioIssue }

    /// One pass over libyaml's events. Not copyable in spirit: owns the parser until `close()`.
    private struct EventReader {
        private var parser = yaml_parser_t()
        private let maxDepth: Int
        private var issues: [ScenarioIssue] = []
        private var open = false

        init(buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
            self.maxDepth = maxDepth
            open = yaml_parser_initialize(&parser) == 1
            if open {
                yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
                yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            }
        }

        mutating func close() {
            if open { yaml_parser_delete(&parser); open = false }
        }

        mutating func document() throws(ScenarioErrors) -> (root: SourceNode, issues: [ScenarioIssue]) {
            do throws(Failure) {
                guard open else { throw Failure(issue: ScenarioIssue(path: "", message: "the YAML reader could not start (out of memory)", kind: .file)) }
                var event = try next()                       // stream start
                yaml_event_delete(&event)
                event = try next()
                if event.type == YAML_STREAM_END_EVENT {
                    yaml_event_delete(&event)
                    throw Failure(issue: ScenarioIssue(path: "", message: "the file is empty", location: SourceLocation(line: 1, column: 1), kind: .syntax))
                }
                yaml_event_delete(&event)                    // document start
                event = try next()
                let root = try node(from: &event, depth: 1, path: "")
                event = try next()                           // document end
                yaml_event_delete(&event)
                event = try next()
                defer { yaml_event_delete(&event) }
                if event.type != YAML_STREAM_END_EVENT {
                    throw Failure(issue: ScenarioIssue(path: "", message: "not valid YAML: a second document (---) follows the first; a scenario is one document",
                                                       location: Self.location(event.start_mark), kind: .syntax))
                }
                if case .null = root.value {
                    throw Failure(issue: ScenarioIssue(path: "", message: "the file is empty", location: SourceLocation(line: 1, column: 1), kind: .syntax))
                }
                return (root, issues)
            } catch {
                throw ScenarioErrors(issues + [error.issue])
            }
        }

        private static func location(_ mark: yaml_mark_t) -> SourceLocation {
            SourceLocation(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
        }

        private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int? = nil) -> String {
            guard let pointer else { return "" }
            let count = length ?? strlen(UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
            return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
        }

        private mutating func next() throws(Failure) -> yaml_event_t {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else {
                let problem = parser.problem.map { String(cString: $0) } ?? "unreadable text"
                let context = parser.context.map { " \(String(cString: $0))" } ?? ""
                let mark = parser.problem_mark
                throw Failure(issue: ScenarioIssue(path: "", message: "not valid YAML: \(problem)\(context)", location: Self.location(mark), kind: .syntax))
            }
            return event
        }

        /// Reports anchors and tags on a node (they are not part of the format) and reads on, so
        /// every other problem is reported too. Nothing is ever expanded.
        private mutating func refuse(anchor: UnsafeMutablePointer<yaml_char_t>?, tag: UnsafeMutablePointer<yaml_char_t>?,
                                     at mark: yaml_mark_t, path: String) {
            if anchor != nil {
                issues.append(ScenarioIssue(path: path, message: "YAML anchors (&\(Self.text(anchor))) and aliases are not part of the scenario format; write the value out",
                                            location: Self.location(mark), kind: .syntax))
            }
            if tag != nil {
                issues.append(ScenarioIssue(path: path, message: "explicit YAML tags (\(Self.shortTag(Self.text(tag)))) are not part of the scenario format; write the plain value",
                                            location: Self.location(mark), kind: .syntax))
            }
        }

        private static func shortTag(_ tag: String) -> String {
            tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + tag.dropFirst("tag:yaml.org,2002:".count) : tag
        }

        /// The node that starts with `event` (consumed, and freed here).
        private mutating func node(from event: inout yaml_event_t, depth: Int, path: String) throws(Failure) -> SourceNode {
            defer { yaml_event_delete(&event) }
            let at = Self.location(event.start_mark)
            switch event.type {
            case YAML_ALIAS_EVENT:
                // Reported, and read as null: the anchored value is never copied.
                issues.append(ScenarioIssue(path: path, message: "YAML aliases (*\(Self.text(event.data.alias.anchor))) are not part of the scenario format; write the value out",
                                            location: at, kind: .syntax))
                return SourceNode(.null, at: at)
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                refuse(anchor: scalar.anchor, tag: scalar.tag, at: event.start_mark, path: path)
                let text = Self.text(scalar.value, length: scalar.length)
                guard scalar.style == YAML_PLAIN_SCALAR_STYLE else { return SourceNode(.string(text), at: at) }
                let value = Self.resolve(plain: text)
                // One number syntax for every reader: JSON's. YAML 1.1 would read 017 as 15, 1:20 as 80.
                if case .number = value, NumberSyntax.parse(text[...]) == nil, !text.lowercased().contains("inf"), !text.lowercased().contains("nan") {
                    issues.append(ScenarioIssue(path: path, message: "\"\(text)\" is not a number as JSON writes them (digits, an optional leading -, a decimal point, an exponent); write it that way, or quote it for text",
                                                location: at, kind: .syntax))
                    return SourceNode(.string(text), at: at)
                }
                return SourceNode(value, at: at)
            case YAML_SEQUENCE_START_EVENT:
                let start = event.data.sequence_start
                refuse(anchor: start.anchor, tag: start.tag, at: event.start_mark, path: path)
                guard depth <= maxDepth else { throw Failure(issue: ScenarioIssue(path: path, message: "nested deeper than \(maxDepth) levels", location: at, kind: .limit)) }
                var elements: [SourceNode] = []
                while true {
                    var child = try next()
                    if child.type == YAML_SEQUENCE_END_EVENT { yaml_event_delete(&child); break }
                    elements.append(try node(from: &child, depth: depth + 1, path: "\(path)[\(elements.count)]"))
                }
                return SourceNode(.array(elements), at: at)
            case YAML_MAPPING_START_EVENT:
                let start = event.data.mapping_start
                refuse(anchor: start.anchor, tag: start.tag, at: event.start_mark, path: path)
                guard depth <= maxDepth else { throw Failure(issue: ScenarioIssue(path: path, message: "nested deeper than \(maxDepth) levels", location: at, kind: .limit)) }
                var members: [SourceMember] = []
                var seen: [String: SourceLocation] = [:]
                while true {
                    var keyEvent = try next()
                    if keyEvent.type == YAML_MAPPING_END_EVENT { yaml_event_delete(&keyEvent); break }
                    let keyLocation = Self.location(keyEvent.start_mark)
                    let keyNode = try node(from: &keyEvent, depth: depth + 1, path: path)
                    let key: String
                    switch keyNode.value {
                    case .string(let text): key = text
                    case .number(_, let text): key = text
                    case .bool(let flag): key = flag ? "true" : "false"
                    case .null: key = ""
                    case .array, .object:
                        throw Failure(issue: ScenarioIssue(path: path, message: "a key must be plain text", location: keyLocation, kind: .syntax))
                    }
                    let childPath = path.isEmpty ? key : "\(path).\(key)"
                    var valueEvent = try next()
                    let value = try node(from: &valueEvent, depth: depth + 1, path: childPath)
                    if let first = seen[key] {
                        issues.append(ScenarioIssue(path: childPath, message: "key \"\(key)\" appears twice in one object (first at \(first))", location: keyLocation, kind: .duplicate))
                        members.removeAll { $0.key == key }
                    }
                    seen[key] = keyLocation
                    members.append(SourceMember(key: key, keyLocation: keyLocation, value: value))
                }
                return SourceNode(.object(members), at: at)
            default:
                throw Failure(issue: ScenarioIssue(path: path, message: "not valid YAML: unexpected structure", location: at, kind: .syntax))
            }
        }

        /// A plain scalar as Yams' default resolver reads it: null, a boolean, a number or text.
        private static func resolve(plain text: String) -> SourceValue {
            let node = Node(text, Tag(.implicit), .plain)
            switch node.tag.rawValue {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue: return node.bool.map { .bool($0) } ?? .string(text)
            case Tag.Name.int.rawValue, Tag.Name.float.rawValue:
                if let value = node.int { return .number(Double(value), text: text) }
                if let value = node.float { return .number(value, text: text) }
                return .string(text)
            default: return .string(text)
            }
        }
    }
}
