import Foundation

/// The council's own records in witan.send's shapes (SPEC §8): the transitions file (one row per
/// child per year between two January censuses), and beside it the optional population and
/// valid-states files. Codes are the council's own; a ``RecordLabels`` map turns them into the
/// scenario's names. Every problem is reported with its file, line and column, all at once.
public struct TransitionRecords: Sendable {
    /// A child's place at one census: national curriculum year, need and setting (indices into
    /// ``needs`` and ``settings``, the labelled names).
    public struct State: Hashable, Sendable {
        public var academicYear: Int
        public var need: Int
        public var setting: Int
    }

    /// One row: the state at the census of `calendarYear` and at the next; nil is `NONSEND` (a
    /// joiner when `from` is nil, a leaver when `to` is nil).
    public struct Row: Sendable {
        public var calendarYear: Int
        public var from: State?
        public var to: State?
    }

    public var needs: [String]
    public var settings: [String]
    public var rows: [Row]
    /// Problems that do not stop the fit (academic-year-2 ≠ academic-year-1 + 1).
    public var warnings: [String]

    /// The calendar years with rows, first to last (contiguous: a gap is an error).
    public var calendarYears: ClosedRange<Int> { rows.map(\.calendarYear).min()!...rows.map(\.calendarYear).max()! }

    public static let nonSEND = "NONSEND"
    public static let columns = ["calendar-year", "setting-1", "need-1", "academic-year-1", "setting-2", "need-2", "academic-year-2"]
    /// National curriculum years the records may hold: nursery (−5) to age 25 (20).
    public static let academicYears = -5...20
}

/// Maps the council's codes to the scenario's names: `{"needs": {code: name}, "settings": {code:
/// name}}` (JSON). A code a map leaves out is an error at the cell that uses it; without a map for
/// a kind, codes are used as they are.
public struct RecordLabels: Sendable {
    public var needs: [String: String]?
    public var settings: [String: String]?

    public init(needs: [String: String]? = nil, settings: [String: String]? = nil) {
        self.needs = needs
        self.settings = settings
    }

    /// Reads the labels file (JSON); every problem with its place, the file's name on each.
    public static func read(_ bytes: [UInt8], file: String) throws(ScenarioErrors) -> RecordLabels {
        func named(_ issues: [ScenarioIssue]) -> ScenarioErrors { ScenarioErrors(issues.map { var i = $0; i.file = file; return i }) }
        let parsed: (root: SourceNode, issues: [ScenarioIssue])
        do { parsed = try JSONSourceParser.parse(bytes) } catch { throw named(error.issues) }
        let context = DecodeContext(issues: parsed.issues)
        guard let object = context.object(parsed.root, "", allowed: ["needs", "settings"]) else { throw named(context.issues) }
        func map(_ key: String) -> [String: String]? {
            guard let node = object[key], let members = context.map(node, key) else { return nil }
            var result: [String: String] = [:]
            for member in members {
                let path = "\(key).\(member.key)"
                if member.key == TransitionRecords.nonSEND { context.fail(path, "NONSEND marks joiners and leavers and cannot be relabelled", at: member.keyLocation); continue }
                if let problem = RecordCSV.codeProblem(member.key) { context.fail(path, "the code \(problem)", at: member.keyLocation); continue }
                guard let name = context.string(member.value, path) else { continue }
                result[member.key] = name
            }
            return result
        }
        let labels = RecordLabels(needs: map("needs"), settings: map("settings"))
        if !context.issues.isEmpty { throw named(context.issues) }
        return labels
    }
}

/// Reading the CSV files of SPEC §8 strictly.
enum RecordCSV {
    /// Parses `bytes` and checks that the header has exactly these columns (any order).
    static func table(_ bytes: [UInt8], file: String, columns: [String], optional: [String] = [], issues: inout [ScenarioIssue]) -> CSVTable? {
        let table: CSVTable
        do { table = try CSVTable.parse(bytes) } catch {
            issues.append(ScenarioIssue(path: "", message: "not valid CSV: \(error.message)", location: SourceLocation(line: error.line, column: error.column), file: file, kind: .syntax))
            return nil
        }
        let before = issues.count
        var seen: [String: Int] = [:]
        for (k, name) in table.header.enumerated() {
            let at = SourceLocation(line: 1, column: table.headerCells[k].column)
            if let first = seen[name] {
                issues.append(ScenarioIssue(path: "", message: "the header names column \"\(name)\" twice (columns \(first + 1) and \(k + 1))", location: at, file: file, kind: .duplicate))
            } else { seen[name] = k }
            if !columns.contains(name) && !optional.contains(name) {
                var message = "unknown column \"\(table.headerCells[k].text)\" (the columns are \((columns + optional).joined(separator: ", ")))"
                if let guess = DecodeContext.closest(to: name, in: columns + optional) { message += "; did you mean \"\(guess)\"?" }
                issues.append(ScenarioIssue(path: "", message: message, location: at, file: file, kind: .unknownKey))
            }
        }
        let missing = columns.filter { seen[$0] == nil }
        if !missing.isEmpty {
            issues.append(ScenarioIssue(path: "", message: "the header lacks column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", "))", location: SourceLocation(line: 1, column: 1), file: file, kind: .missingKey))
        }
        if table.rows.isEmpty { issues.append(ScenarioIssue(path: "", message: "has a header but no rows", location: SourceLocation(line: 1, column: 1), file: file)) }
        guard issues.count == before else { return nil }
        // A row of the wrong length is reported and left out; the others are still read, so every problem shows at once.
        var complete = table
        complete.rows = table.rows.filter { row in
            guard row.count != table.header.count else { return true }
            let at = row.count > table.header.count ? row[table.header.count] : row[row.count - 1]
            issues.append(ScenarioIssue(path: "", message: "this row has \(row.count) cells but the header has \(table.header.count) columns",
                                        location: SourceLocation(line: at.line, column: at.column), file: file))
            return false
        }
        return complete
    }

    /// What is wrong with a council code as a name (nil when nothing): codes become names in
    /// scenarios and tables, so they are one line of plain text of reasonable length.
    static func codeProblem(_ code: String) -> String? {
        if code.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) }) {
            return "must not contain control characters (tabs, line breaks) or direction overrides"
        }
        if code.count > 200 { return "is longer than 200 characters" }
        return nil
    }

    static func fail(_ cell: CSVTable.Cell, _ message: String, file: String, into issues: inout [ScenarioIssue], kind: ScenarioIssue.Kind = .rule) {
        issues.append(ScenarioIssue(path: "", message: message, location: SourceLocation(line: cell.line, column: cell.column), file: file, kind: kind))
    }

    /// An integer cell within `range`.
    static func integer(_ cell: CSVTable.Cell, _ what: String, in range: ClosedRange<Int>, file: String, issues: inout [ScenarioIssue]) -> Int? {
        guard let value = Int(cell.text) else {
            fail(cell, cell.text.isEmpty ? "the \(what) is missing" : "the \(what) must be a whole number, got \"\(cell.text)\"", file: file, into: &issues, kind: .wrongType)
            return nil
        }
        guard range.contains(value) else {
            fail(cell, "the \(what) must be \(range.lowerBound) to \(range.upperBound), got \(value)", file: file, into: &issues, kind: .outOfRange)
            return nil
        }
        return value
    }

    /// A number cell ≥ 0 (finite, at most `max`).
    static func count(_ cell: CSVTable.Cell, _ what: String, max: Double, file: String, issues: inout [ScenarioIssue]) -> Double? {
        guard !cell.text.isEmpty else { fail(cell, "the \(what) is missing", file: file, into: &issues, kind: .missingKey); return nil }
        guard let value = NumberSyntax.parse(cell.text[...]), value.isFinite else {
            fail(cell, "the \(what) must be a number, got \"\(cell.text)\"", file: file, into: &issues, kind: .wrongType); return nil
        }
        guard value >= 0 else { fail(cell, "the \(what) must be ≥ 0, got \(cell.text)", file: file, into: &issues, kind: .outOfRange); return nil }
        guard value <= max else { fail(cell, "the \(what) must be at most \(DecodeContext.show(max)), got \(cell.text)", file: file, into: &issues, kind: .limit); return nil }
        return value
    }
}

extension TransitionRecords {
    /// Reads a transitions file. Codes are turned into names by `labels`; names are numbered in
    /// order of first appearance.
    public static func read(_ bytes: [UInt8], file: String, labels: RecordLabels = RecordLabels()) throws(ScenarioErrors) -> TransitionRecords {
        var issues: [ScenarioIssue] = []
        guard let table = RecordCSV.table(bytes, file: file, columns: columns, issues: &issues) else { throw ScenarioErrors(issues) }
        let column = Dictionary(uniqueKeysWithValues: columns.map { ($0, table.columnIndex($0)!) })
        var needs: [String] = [], settings: [String] = []
        var needIndex: [String: Int] = [:], settingIndex: [String: Int] = [:]
        func name(_ cell: CSVTable.Cell, kind: String, map: [String: String]?, names: inout [String], index: inout [String: Int]) -> Int? {
            guard !cell.text.isEmpty else { RecordCSV.fail(cell, "the \(kind) is missing", file: file, into: &issues, kind: .missingKey); return nil }
            if let problem = RecordCSV.codeProblem(cell.text) { RecordCSV.fail(cell, "the \(kind) code \(problem)", file: file, into: &issues); return nil }
            var label = cell.text
            if let map {
                guard let mapped = map[cell.text] else {
                    var message = "\(kind) code \"\(cell.text)\" is not in the labels"
                    if let guess = DecodeContext.closest(to: cell.text, in: map.keys.sorted()) { message += "; did you mean \"\(guess)\"?" }
                    RecordCSV.fail(cell, message, file: file, into: &issues, kind: .unknownReference)
                    return nil
                }
                label = mapped
            }
            if let k = index[label] { return k }
            index[label] = names.count
            names.append(label)
            return names.count - 1
        }
        var rows: [Row] = []
        rows.reserveCapacity(table.rows.count)
        var offAge: [Int] = [], offAgeCount = 0
        for row in table.rows {
            func cell(_ name: String) -> CSVTable.Cell { row[column[name]!] }
            let year = RecordCSV.integer(cell("calendar-year"), "calendar-year", in: 1900...2200, file: file, issues: &issues)
            var sides: [State?] = []
            var ok = true
            for side in ["1", "2"] {
                let settingCell = cell("setting-\(side)"), needCell = cell("need-\(side)")
                let outside = settingCell.text == nonSEND, outsideNeed = needCell.text == nonSEND
                // A NONSEND side's academic year is never used (a leaver from Year 20 is written with 21): any whole number.
                let age = RecordCSV.integer(cell("academic-year-\(side)"), "academic-year-\(side)", in: outside && outsideNeed ? -100...100 : academicYears, file: file, issues: &issues)
                if outside != outsideNeed {
                    RecordCSV.fail(outside ? needCell : settingCell, "setting-\(side) and need-\(side) must both be NONSEND or neither (got \(settingCell.text) and \(needCell.text))", file: file, into: &issues)
                    ok = false
                    sides.append(nil)
                    continue
                }
                if outside { sides.append(nil); if age == nil { ok = false }; continue }
                let s = name(settingCell, kind: "setting", map: labels.settings, names: &settings, index: &settingIndex)
                let n = name(needCell, kind: "need", map: labels.needs, names: &needs, index: &needIndex)
                guard let s, let n, let age else { ok = false; sides.append(nil); continue }
                sides.append(State(academicYear: age, need: n, setting: s))
            }
            guard ok, let year else { continue }
            if sides[0] == nil && sides[1] == nil {
                RecordCSV.fail(cell("setting-1"), "NONSEND on both sides: a row is a child in SEND at one census at least", file: file, into: &issues)
                continue
            }
            let from = sides[0]
            var to = sides[1]
            if let f = from, var t = to, t.academicYear != f.academicYear + 1 {
                // witan.send takes every move as one academic year up; so do we, and say so.
                offAgeCount += 1
                if offAge.count < 5 { offAge.append(cell("academic-year-2").line) }
                t.academicYear = f.academicYear + 1
                to = t.academicYear <= academicYears.upperBound ? t : nil
            }
            rows.append(Row(calendarYear: year, from: from, to: to))
        }
        if !issues.isEmpty { throw ScenarioErrors(issues.sorted { ($0.location?.line ?? 0, $0.location?.column ?? 0) < ($1.location?.line ?? 0, $1.location?.column ?? 0) }) }
        let years = Set(rows.map(\.calendarYear))
        if let first = years.min(), let last = years.max() {
            let gaps = (first...last).filter { !years.contains($0) }
            if !gaps.isEmpty {
                throw ScenarioErrors([ScenarioIssue(path: "", message: "has no rows for calendar-year \(gaps.map(String.init).joined(separator: ", ")) between \(first) and \(last): the years must follow on (a year with no children cannot be told from a year left out)",
                                                    location: SourceLocation(line: 1, column: table.headerCells[column["calendar-year"]!].column), file: file)])
            }
        }
        // Names in alphabetical order (the order of every table), not the order the file happens to list them.
        let needOrder = needs.indices.sorted { needs[$0] < needs[$1] }, settingOrder = settings.indices.sorted { settings[$0] < settings[$1] }
        var needRank = [Int](repeating: 0, count: needs.count), settingRank = [Int](repeating: 0, count: settings.count)
        for (rank, k) in needOrder.enumerated() { needRank[k] = rank }
        for (rank, k) in settingOrder.enumerated() { settingRank[k] = rank }
        func renumber(_ state: State?) -> State? { state.map { State(academicYear: $0.academicYear, need: needRank[$0.need], setting: settingRank[$0.setting]) } }
        rows = rows.map { Row(calendarYear: $0.calendarYear, from: renumber($0.from), to: renumber($0.to)) }
        needs = needOrder.map { needs[$0] }
        settings = settingOrder.map { settings[$0] }
        var warnings: [String] = []
        if offAgeCount > 0 {
            warnings.append("\(file): \(offAgeCount) row\(offAgeCount == 1 ? " has" : "s have") academic-year-2 ≠ academic-year-1 + 1 (line\(offAge.count == 1 ? "" : "s") \(offAge.map(String.init).joined(separator: ", "))\(offAgeCount > offAge.count ? ", …" : "")); taken as one year up, as witan.send does")
        }
        return TransitionRecords(needs: needs, settings: settings, rows: rows, warnings: warnings)
    }
}

/// The population file: `calendar-year, academic-year, population`, the whole 0–25 population for
/// joiner rates per head.
public struct PopulationTable: Sendable {
    public var values: [Int: [Int: Double]]
    /// The file it was read from, for messages.
    public var file = "the population file"

    public func value(year: Int, academicYear: Int) -> Double? { values[year]?[academicYear] }

    public static func read(_ bytes: [UInt8], file: String) throws(ScenarioErrors) -> PopulationTable {
        var issues: [ScenarioIssue] = []
        guard let table = RecordCSV.table(bytes, file: file, columns: ["calendar-year", "academic-year", "population"], issues: &issues) else { throw ScenarioErrors(issues) }
        let y = table.columnIndex("calendar-year")!, a = table.columnIndex("academic-year")!, p = table.columnIndex("population")!
        var values: [Int: [Int: Double]] = [:], lines: [Int: [Int: Int]] = [:]
        for row in table.rows {
            let year = RecordCSV.integer(row[y], "calendar-year", in: 1900...2200, file: file, issues: &issues)
            // Population files often run past age 25 (academic year 20): those rows are read and never used.
            let age = RecordCSV.integer(row[a], "academic-year", in: -10...40, file: file, issues: &issues)
            let population = RecordCSV.count(row[p], "population", max: 1e9, file: file, issues: &issues)
            guard let year, let age, let population else { continue }
            if let line = lines[year]?[age] {
                RecordCSV.fail(row[y], "calendar-year \(year), academic-year \(age) is given twice (first on line \(line))", file: file, into: &issues, kind: .duplicate)
                continue
            }
            lines[year, default: [:]][age] = row[y].line
            values[year, default: [:]][age] = population
        }
        if !issues.isEmpty { throw ScenarioErrors(issues) }
        return PopulationTable(values: values, file: file)
    }
}

/// The valid-states file: which academic years and needs each setting takes, and which settings a
/// child may move to from it.
public struct ValidStates: Sendable {
    public struct Entry: Sendable {
        public var academicYears: ClosedRange<Int>
        public var needs: Set<Int>
        /// Settings a child may move to (its own always).
        public var movesTo: Set<Int>
    }
    /// By setting index (of the records' labelled settings); a setting absent takes nothing.
    public var entries: [Int: Entry]

    public func allows(_ state: TransitionRecords.State) -> Bool {
        guard let entry = entries[state.setting] else { return false }
        return entry.academicYears.contains(state.academicYear) && entry.needs.contains(state.need)
    }

    public func allowsMove(from: Int, to: Int) -> Bool { from == to || entries[from]?.movesTo.contains(to) == true }

    public var maxAcademicYear: Int? { entries.values.map(\.academicYears.upperBound).max() }

    /// Reads the file against the records' names (codes labelled the same way).
    public static func read(_ bytes: [UInt8], file: String, records: TransitionRecords, labels: RecordLabels) throws(ScenarioErrors) -> ValidStates {
        var issues: [ScenarioIssue] = []
        let columns = ["setting", "setting-group", "min-academic-year", "max-academic-year", "needs", "setting->setting"]
        guard let table = RecordCSV.table(bytes, file: file, columns: columns, issues: &issues) else { throw ScenarioErrors(issues) }
        let c = Dictionary(uniqueKeysWithValues: columns.map { ($0, table.columnIndex($0)!) })
        let needIndex = Dictionary(records.needs.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let settingIndex = Dictionary(records.settings.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        func resolve(_ code: String, _ cell: CSVTable.Cell, map: [String: String]?, index: [String: Int], kind: String) -> Int?? {
            var name = code
            if let map {
                guard let mapped = map[code] else {
                    RecordCSV.fail(cell, "\(kind) code \"\(code)\" is not in the labels", file: file, into: &issues, kind: .unknownReference)
                    return nil
                }
                name = mapped
            }
            // A code the transitions never use is allowed (nobody is in it): it constrains nothing.
            return .some(index[name])
        }
        var entries: [Int: Entry] = [:], lines: [Int: Int] = [:]
        for row in table.rows {
            let settingCell = row[c["setting"]!]
            let lo = RecordCSV.integer(row[c["min-academic-year"]!], "min-academic-year", in: TransitionRecords.academicYears, file: file, issues: &issues)
            let hi = RecordCSV.integer(row[c["max-academic-year"]!], "max-academic-year", in: TransitionRecords.academicYears, file: file, issues: &issues)
            if let lo, let hi, lo > hi { RecordCSV.fail(row[c["max-academic-year"]!], "max-academic-year \(hi) is below min-academic-year \(lo)", file: file, into: &issues, kind: .outOfRange) }
            func list(_ name: String) -> [String] { row[c[name]!].text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
            var needs = Set<Int>(), moves = Set<Int>()
            for code in list("needs") { if let k = resolve(code, row[c["needs"]!], map: labels.needs, index: needIndex, kind: "need"), let k { needs.insert(k) } }
            for code in list("setting->setting") { if let k = resolve(code, row[c["setting->setting"]!], map: labels.settings, index: settingIndex, kind: "setting"), let k { moves.insert(k) } }
            guard let resolved = resolve(settingCell.text, settingCell, map: labels.settings, index: settingIndex, kind: "setting"), let lo, let hi, lo <= hi else { continue }
            guard let s = resolved else { continue }
            if let line = lines[s] {
                RecordCSV.fail(settingCell, "setting \(settingCell.text) is given twice (first on line \(line))", file: file, into: &issues, kind: .duplicate)
                continue
            }
            lines[s] = settingCell.line
            entries[s] = Entry(academicYears: lo...hi, needs: needs, movesTo: moves)
        }
        if !issues.isEmpty { throw ScenarioErrors(issues) }
        return ValidStates(entries: entries)
    }
}
