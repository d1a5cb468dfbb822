import Foundation

/// Reads `sufficiency/1` scenarios from JSON or YAML into a checked ``Scenario``.
///
/// Every rule of the scenario format is checked and every problem is reported at once, each
/// with its path (`settings[3].capacity`) and line and column. Nothing here calls GLPK.
public enum ScenarioDecoder {
    /// Limits on input; each breach is a clear error.
    public enum Limits {
        public static let defaultMaxInputBytes = 64 * 1024 * 1024
        public static let maxChildren = 10_000_000.0
        public static let maxCostPerPlace = 10_000_000.0
        public static let maxCapitalCost = 10_000_000_000.0
        public static let maxMoney = 1_000_000_000_000.0
        public static let maxYears = 100
        public static let maxNeeds = 1_000
        public static let maxSettings = 100_000
        public static let maxZones = 10_000
        public static let maxOptions = 10_000
    }

    public enum SyntaxKind: Sendable { case json, yaml }

    /// Reads and decodes a scenario file. YAML is chosen by a `.yaml` / `.yml` extension.
    public static func load(path: String, maxInputBytes: Int = Limits.defaultMaxInputBytes) throws(ScenarioErrors) -> Scenario {
        let bytes = try readFile(path, maxInputBytes: maxInputBytes)
        let source = source(of: path, bytes)
        let parsed = try parse(bytes, syntax: source.syntax)
        var scenario = try decode(root: parsed.root, issues: parsed.issues, baseDirectory: source.folder, maxInputBytes: maxInputBytes)
        scenario.inputs.insert(Scenario.InputFile(name: source.name, content: bytes), at: 0)
        return scenario
    }

    /// How the scenario at `path` is read: its syntax (by extension; standard input, `-`, by its
    /// first character), the folder the CSV files it names are read from (the current one for
    /// standard input), and its name in the provenance.
    static func source(of path: String, _ bytes: [UInt8]) -> (syntax: SyntaxKind, folder: String, name: String) {
        if path == "-" { return (sniff(bytes), FileManager.default.currentDirectoryPath, "standard input") }
        return (syntax(of: path), folder(of: path), URL(fileURLWithPath: path).lastPathComponent)
    }

    /// JSON when the first character that is not white space is `{`, else YAML.
    static func sniff(_ bytes: [UInt8]) -> SyntaxKind {
        let first = bytes.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
        return first == UInt8(ascii: "{") ? .json : .yaml
    }

    /// YAML by a `.yaml` / `.yml` extension, else JSON.
    static func syntax(of path: String) -> SyntaxKind {
        let lower = path.lowercased()
        return lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") ? .yaml : .json
    }

    /// The folder CSV files named by the scenario are read from.
    static func folder(of path: String) -> String { URL(fileURLWithPath: path).deletingLastPathComponent().path }

    /// The document tree and the problems its parser found (duplicate keys); throws on a syntax error.
    static func parse(_ bytes: [UInt8], syntax: SyntaxKind) throws(ScenarioErrors) -> (root: SourceNode, issues: [ScenarioIssue]) {
        switch syntax {
        case .json: return try JSONSourceParser.parse(bytes)
        case .yaml:
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw ScenarioErrors([ScenarioIssue(path: "", message: "the file is not UTF-8 text", kind: .file)])
            }
            return try YAMLSourceReader.parse(text)
        }
    }

    /// The whole file at `path` (`-`: standard input), refused when missing, not a regular file or over `maxInputBytes`.
    public static func readFile(_ path: String, maxInputBytes: Int) throws(ScenarioErrors) -> [UInt8] {
        func failure(_ message: String) -> ScenarioErrors { ScenarioErrors([ScenarioIssue(path: "", message: message, kind: .file)]) }
        if path == "-" { return try readStandardInput(maxInputBytes: maxInputBytes) }
        // Non-blocking, so a FIFO is refused below instead of waiting for a writer forever.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            switch errno {
            case ENOENT, ENOTDIR: throw failure("file not found: \(path)")
            case EACCES: throw failure("cannot read \(path): permission denied")
            default: throw failure("cannot read \(path): \(String(cString: strerror(errno)))")
            }
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw failure("cannot read \(path): \(String(cString: strerror(errno)))") }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw failure("\(path) is a folder, not a file")
        default: throw failure("\(path) is not a regular file (a pipe or a device); only files are read")
        }
        InputFiles.record(descriptor: descriptor)
        guard info.st_size <= off_t(maxInputBytes) else {
            throw failure("\(path) is larger than the limit of \(maxInputBytes) bytes (--max-input-size changes it)")
        }
        // Read at most one byte past the limit (the file may grow while we read).
        var bytes = [UInt8](repeating: 0, count: min(maxInputBytes, Int(info.st_size)) + 1)
        var count = 0
        while count < bytes.count {
            let read = bytes.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress! + count, $0.count - count) }
            if read < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw failure("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if read == 0 { break }
            count += read
            if count == bytes.count && count <= maxInputBytes { bytes += [UInt8](repeating: 0, count: min(bytes.count, maxInputBytes - count) + 1) }
        }
        guard count <= maxInputBytes else {
            throw failure("\(path) is larger than the limit of \(maxInputBytes) bytes (--max-input-size changes it)")
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }

    /// Reads standard input whole (`-` as a file name), held to the same size limit.
    static func readStandardInput(maxInputBytes: Int) throws(ScenarioErrors) -> [UInt8] {
        var bytes: [UInt8] = [], chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let read = chunk.withUnsafeMutableBytes { Foundation.read(0, $0.baseAddress!, $0.count) }
            if read < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw ScenarioErrors([ScenarioIssue(path: "", message: "cannot read standard input: \(String(cString: strerror(errno)))", kind: .file)])
            }
            if read == 0 { break }
            bytes += chunk[0..<read]
            guard bytes.count <= maxInputBytes else {
                throw ScenarioErrors([ScenarioIssue(path: "", message: "standard input is larger than the limit of \(maxInputBytes) bytes (--max-input-size changes it)", kind: .file)])
            }
        }
        return bytes
    }

    /// Decodes a scenario from the bytes of a JSON or YAML document. CSV files it names are read
    /// relative to `baseDirectory`, each held to `maxInputBytes`.
    public static func decode(_ bytes: [UInt8], syntax: SyntaxKind = .json, baseDirectory: String? = nil,
                              maxInputBytes: Int = Limits.defaultMaxInputBytes) throws(ScenarioErrors) -> Scenario {
        let parsed = try parse(bytes, syntax: syntax)
        return try decode(root: parsed.root, issues: parsed.issues, baseDirectory: baseDirectory, maxInputBytes: maxInputBytes)
    }

    /// Decodes a scenario whose CSV files are given in memory (by the name the scenario uses)
    /// rather than read from disk: for uploads and for the fuzzer.
    public static func decode(_ bytes: [UInt8], syntax: SyntaxKind = .json, files: [String: [UInt8]],
                              maxInputBytes: Int = Limits.defaultMaxInputBytes) throws(ScenarioErrors) -> Scenario {
        let parsed = try parse(bytes, syntax: syntax)
        return try decode(root: parsed.root, issues: parsed.issues, baseDirectory: nil, files: files, maxInputBytes: maxInputBytes)
    }

    /// Decodes a parsed document; `issues` are problems its parser already found.
    public static func decode(root: SourceNode, issues parserIssues: [ScenarioIssue], baseDirectory: String?, files: [String: [UInt8]]? = nil,
                              maxInputBytes: Int = Limits.defaultMaxInputBytes, confinedTo: String? = nil) throws(ScenarioErrors) -> Scenario {
        var reader = ScenarioReader(context: DecodeContext(issues: parserIssues))
        reader.baseDirectory = baseDirectory
        reader.confinedTo = confinedTo
        reader.files = files
        reader.maxInputBytes = maxInputBytes
        let scenario = reader.read(root)
        // The scenario's own problems in file order, then each CSV file's in its order.
        let origin = SourceLocation(line: 0, column: 0)
        let issues = reader.context.issues.enumerated().sorted { a, b in
            let fileA = a.element.file ?? "", fileB = b.element.file ?? ""
            if fileA != fileB { return fileA < fileB }
            let placeA = a.element.location ?? origin, placeB = b.element.location ?? origin
            return placeA != placeB ? placeA < placeB : a.offset < b.offset
        }.map(\.element)
        guard issues.isEmpty, let scenario else {
            throw ScenarioErrors(issues.isEmpty ? [ScenarioIssue(path: "", message: "the scenario could not be read")] : issues)
        }
        return scenario
    }
}
