import Foundation

/// Reading the CSV files a scenario names: demand tables, witan.send projections and travel.
extension ScenarioReader {
    /// Reads and parses the CSV file named at `path`, checking that it has the given columns.
    /// Returns the table and the file's name for messages.
    func readCSV(_ node: SourceNode, _ path: String, columns: [String]) -> (CSVTable, String)? {
        guard let name = context.string(node, path) else { return nil }
        if let files {
            guard let bytes = files[name] else { context.fail(path, "file not found: \(name)", at: node, kind: .file); return nil }
            guard bytes.count <= maxInputBytes else { context.fail(path, "\(name) is larger than the limit of \(maxInputBytes) bytes", at: node, kind: .file); return nil }
            readFiles.inputs.append(Scenario.InputFile(name: name, content: bytes))
            return parseCSV(bytes, name: name, columns: columns)
        }
        guard let baseDirectory else {
            context.fail(path, "names a CSV file, but the scenario was not read from a file", at: node)
            return nil
        }
        var full = name.hasPrefix("/") ? name : URL(fileURLWithPath: baseDirectory).appendingPathComponent(name).path
        if let root = confinedTo {
            let parts = name.split(separator: "/", omittingEmptySubsequences: false)
            guard !name.hasPrefix("/"), !parts.contains(where: { $0.isEmpty || $0 == ".." || $0 == "." || $0.hasPrefix(".") }) else {
                context.fail(path, "\(name): here files are read only inside the workspace: give a path relative to the scenario, without '..'", at: node, kind: .file)
                return nil
            }
            guard let resolved = realpath(full, nil) else { context.fail(path, "file not found: \(name)", at: node, kind: .file); return nil }
            let real = String(cString: resolved)
            free(resolved)
            guard real.hasPrefix(root + "/") else {
                context.fail(path, "\(name): leads outside the workspace (a link); here files are read only inside it", at: node, kind: .file)
                return nil
            }
            full = real
        }
        let bytes: [UInt8]
        do { bytes = try ScenarioDecoder.readFile(full, maxInputBytes: maxInputBytes) } catch {
            context.fail(path, error.issues.first?.message ?? "cannot read \(name)", at: node)
            return nil
        }
        readFiles.inputs.append(Scenario.InputFile(name: name, content: bytes))
        return parseCSV(bytes, name: name, columns: columns)
    }

    private func parseCSV(_ bytes: [UInt8], name: String, columns: [String]) -> (CSVTable, String)? {
        let table: CSVTable
        do { table = try CSVTable.parse(bytes) } catch {
            context.appendIssue(ScenarioIssue(path: "", message: "not valid CSV: \(error.message)", location: SourceLocation(line: error.line, column: error.column), file: name, kind: .syntax))
            return nil
        }
        var ok = true
        var firstColumn: [String: Int] = [:]
        for (k, column) in table.header.enumerated() {
            if let first = firstColumn[column] {
                context.appendIssue(ScenarioIssue(path: "", message: "the header names column \"\(column)\" twice (columns \(first + 1) and \(k + 1))",
                                                  location: SourceLocation(line: 1, column: table.headerCells[k].column), file: name, kind: .duplicate))
                ok = false
            } else { firstColumn[column] = k }
        }
        for row in table.rows where row.count > table.header.count {
            let extra = row[table.header.count]
            context.appendIssue(ScenarioIssue(path: "", message: "this row has \(row.count) cells but the header has \(table.header.count) columns",
                                              location: SourceLocation(line: extra.line, column: extra.column), file: name))
            ok = false
        }
        guard ok else { return nil }
        let missing = columns.filter { table.columnIndex($0) == nil }
        if !missing.isEmpty {
            context.appendIssue(ScenarioIssue(path: "", message: "the header lacks column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) (it has \(table.header.joined(separator: ", ")))",
                                              location: SourceLocation(line: 1, column: 1), file: name))
            return nil
        }
        return (table, name)
    }

    private func cell(_ row: [CSVTable.Cell], _ column: Int) -> CSVTable.Cell? { column < row.count ? row[column] : nil }

    func csvFail(_ row: [CSVTable.Cell], _ column: Int, _ message: String, file: String) {
        let target = cell(row, column) ?? row.last
        context.appendIssue(ScenarioIssue(path: "", message: message, location: SourceLocation(line: target?.line ?? 0, column: target?.column ?? 0), file: file))
    }

    func csvCellsPresent(_ row: [CSVTable.Cell], _ columns: [Int?]) -> Int {
        columns.compactMap { $0 }.filter { !(cell(row, $0)?.text.isEmpty ?? true) }.count
    }

    func csvReference(_ row: [CSVTable.Cell], _ column: Int, in names: [String: Int], kind: String, file: String) -> Int? {
        guard let cell = cell(row, column), !cell.text.isEmpty else {
            csvFail(row, column, "the \(kind) is missing", file: file)
            return nil
        }
        if let index = names[cell.text] { return index }
        var message = "\(kind) \"\(cell.text)\" is not declared"
        if let guess = DecodeContext.closest(to: cell.text, in: names.keys.sorted()) { message += "; did you mean \"\(guess)\"?" }
        csvFail(row, column, message, file: file)
        return nil
    }

    /// A number in a cell: finite, ≥ 0, at most `max`. An empty cell is nil when `optional`.
    func csvNumber(_ row: [CSVTable.Cell], _ column: Int, file: String, max: Double, optional: Bool = false) -> Double?? {
        guard let cell = cell(row, column), !cell.text.isEmpty else {
            if optional { return .some(nil) }
            csvFail(row, column, "a number is missing", file: file)
            return nil
        }
        guard let value = NumberSyntax.parse(cell.text[...]) else {
            csvFail(row, column, "must be a number, got \"\(cell.text.debugDescription.dropFirst().dropLast())\"", file: file)
            return nil
        }
        guard value.isFinite else { csvFail(row, column, "must be a finite number, got \(cell.text)", file: file); return nil }
        guard !NumberSyntax.isTooSmall(value, text: cell.text[...]) else { csvFail(row, column, "\(NumberSyntax.tooSmall), got \(cell.text)", file: file); return nil }
        guard value >= 0 else { csvFail(row, column, "must be ≥ 0, got \(cell.text)", file: file); return nil }
        guard value <= max else { csvFail(row, column, "must be at most \(DecodeContext.show(max)), got \(cell.text)", file: file); return nil }
        return .some(value)
    }

    /// `{"csv": "demand.csv"}`: columns year, need, children (and zone with zones); rows for the same key add up.
    func readDemandCSV(_ node: SourceNode, path root: String = "demand", into demand: inout [Double]) {
        let columns = ["year", "need", "children"] + (zones.isEmpty ? [] : ["zone"]) + (ages.isEmpty ? [] : ["age"])
        guard let (table, file) = readCSV(node, "\(root).csv", columns: columns) else { return }
        let yearColumn = table.columnIndex("year")!, needColumn = table.columnIndex("need")!, childrenColumn = table.columnIndex("children")!
        let zoneColumn = table.columnIndex("zone"), ageColumn = table.columnIndex("age")
        if zones.isEmpty, zoneColumn != nil {
            context.appendIssue(ScenarioIssue(path: "", message: "has a zone column, but the scenario declares no zones", location: SourceLocation(line: 1, column: 1), file: file))
            return
        }
        if ages.isEmpty, ageColumn != nil {
            context.appendIssue(ScenarioIssue(path: "", message: "has an age column, but the scenario declares no ages", location: SourceLocation(line: 1, column: 1), file: file))
            return
        }
        var passed = Set<Int>()
        var yearsGiven = [Bool](repeating: false, count: years.count)
        for row in table.rows {
            let t = csvReference(row, yearColumn, in: yearIndex, kind: "year", file: file)
            if let t { yearsGiven[t] = true }
            let n = csvReference(row, needColumn, in: needIndex, kind: "need", file: file)
            let z = zoneColumn.map { csvReference(row, $0, in: zoneIndex, kind: "zone", file: file) } ?? 0
            let a = ageColumn.map { csvReference(row, $0, in: ageIndex, kind: "age group", file: file) } ?? 0
            guard let children = csvNumber(row, childrenColumn, file: file, max: ScenarioDecoder.Limits.maxChildren) ?? nil,
                  let t, let n, let z, let a else { continue }
            let key = ((t * zoneCount + z) * needs.count + n) * ageCount + a
            demand[key] += children
            checkDemandLimit(demand, key: key, row: row, column: childrenColumn, passed: &passed, file: file)
        }
        let absent = years.indices.filter { !yearsGiven[$0] }.map { years[$0] }
        if !absent.isEmpty {
            context.appendIssue(ScenarioIssue(path: "", message: "has no rows for \(absent.joined(separator: ", ")): a demand table must give every year (a row with 0 children says there are none)",
                                              location: SourceLocation(line: 1, column: 1), file: file))
        }
    }

    /// The columns of witan.send's `Output_State.csv` that `"column"` may pick (the mean by default).
    static let outputStateColumns = ["mean", "median", "low-95pc-bound", "high-95pc-bound", "q1", "q3", "min", "max", "low-ci", "high-ci"]

    /// `{"projection": "file.csv", "labels": {...}, "column": ...}`: witan.send output summed by need (and zone) per year.
    /// `Output_State_pop_only.csv` has `need` and `population`; `Output_State.csv` has `need-setting`
    /// (NEED-SETTING) and a column per statistic, of which `column` picks one (`mean` by default).
    func readProjection(_ node: SourceNode, path root: String = "demand", labels: SourceNode?, column columnNode: SourceNode?, into demand: inout [Double]) {
        var needLabels: [String: String] = [:], yearLabels: [String: String] = [:]
        if let labels, let object = context.object(labels, "\(root).labels", allowed: ["needs", "years"]) {
            for (key, target) in [("needs", 0), ("years", 1)] {
                guard let mapNode = object[key], let members = context.map(mapNode, "\(root).labels.\(key)") else { continue }
                for member in members {
                    let path = "\(root).labels.\(key).\(member.key)"
                    if target == 0, let need = context.reference(member.value, path, in: needIndex, kind: "need") { needLabels[member.key] = needs[need] }
                    if target == 1, let year = context.reference(member.value, path, in: yearIndex, kind: "year") { yearLabels[member.key] = years[year] }
                }
            }
        }
        var statistic: String?
        if let columnNode {
            guard let name = context.string(columnNode, "\(root).column") else { return }
            guard Self.outputStateColumns.contains(name) else {
                context.fail("\(root).column", "must be one of \(Self.outputStateColumns.joined(separator: ", ")) (a column of witan.send's Output_State.csv), got \"\(name)\"", at: columnNode, kind: .outOfRange)
                return
            }
            statistic = name
        }
        guard let (table, file) = readCSV(node, "\(root).projection", columns: ["calendar-year"]) else { return }
        // Output_State.csv (need-setting and statistics) or Output_State_pop_only.csv (need and population).
        let stateShape = table.columnIndex("need-setting") != nil
        let valueName = stateShape ? statistic ?? "mean" : "population"
        let required = stateShape ? ["need-setting", valueName] : ["need", "population"]
        let missing = required.filter { table.columnIndex($0) == nil }
        if !missing.isEmpty {
            context.appendIssue(ScenarioIssue(path: "", message: "the header lacks column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) (it has \(table.header.joined(separator: ", ")))",
                                              location: SourceLocation(line: 1, column: 1), file: file))
            return
        }
        if statistic != nil && !stateShape {
            context.fail("\(root).column", "picks a statistic of witan.send's Output_State.csv, but \(file) has no need-setting column (Output_State_pop_only.csv has one value, population)", at: columnNode, kind: .rule)
            return
        }
        let yearColumn = table.columnIndex("calendar-year")!, needColumn = table.columnIndex(stateShape ? "need-setting" : "need")!
        let populationColumn = table.columnIndex(valueName)!
        let zoneColumn = table.columnIndex("zone")
        if !zones.isEmpty && zoneColumn == nil {
            context.appendIssue(ScenarioIssue(path: "", message: "needs a zone column: the scenario declares zones", location: SourceLocation(line: 1, column: 1), file: file))
            return
        }
        /// The need of a cell: the whole text, or (NEED-SETTING) the part before a hyphen that names a need.
        func need(_ text: String) -> Int? {
            func lookup(_ label: String) -> Int? { needIndex[needLabels[label] ?? label] }
            guard stateShape else { return lookup(text) }
            var index = text.startIndex
            while let hyphen = text[index...].firstIndex(of: "-") {
                if let n = lookup(String(text[..<hyphen])) { return n }
                index = text.index(after: hyphen)
            }
            return nil
        }
        var passed = Set<Int>()
        var yearsGiven = [Bool](repeating: false, count: years.count)
        defer {
            let absent = years.indices.filter { !yearsGiven[$0] }.map { years[$0] }
            if !absent.isEmpty {
                context.appendIssue(ScenarioIssue(path: "", message: "has no rows for \(absent.joined(separator: ", ")) (calendar-year Y is read as school year (Y − 1)/Y, the census of January Y; map other labels with \(root).labels.years)",
                                                  location: SourceLocation(line: 1, column: 1), file: file))
            }
        }
        // A row per (calendar-year, academic-year, need-setting) — or need and setting — at most: a repeat would count twice.
        var firstLine: [String: Int] = [:]
        let keyColumns = (stateShape ? ["calendar-year", "academic-year", "need-setting"] : ["calendar-year", "academic-year", "need", "setting"]) + (zoneColumn == nil ? [] : ["zone"])
        let keyIndices = keyColumns.compactMap { table.columnIndex($0) }
        for row in table.rows {
            if row.count < table.header.count, let last = row.last {
                context.appendIssue(ScenarioIssue(path: "", message: "this row has \(row.count) cells but the header has \(table.header.count) columns",
                                                  location: SourceLocation(line: last.line, column: last.column), file: file))
                continue
            }
            let rowKey = keyIndices.map { row[$0].text }.joined(separator: "\u{0}")
            if let line = firstLine[rowKey] {
                csvFail(row, keyIndices.first ?? 0, "repeats the row on line \(line) (\(keyColumns.joined(separator: ", "))): it would be counted twice", file: file)
                continue
            }
            firstLine[rowKey] = row.first?.line ?? 0
            guard let yearCell = row.indices.contains(yearColumn) ? row[yearColumn] : nil else { csvFail(row, yearColumn, "the calendar-year is missing", file: file); continue }
            // witan.send's calendar-year Y is the census of January Y: school year (Y − 1)/Y, as `project` names it,
            // unless labels.years maps it or the scenario's years are calendar years. Rows outside the horizon are ignored.
            let label = yearLabels[yearCell.text] ?? (yearIndex[yearCell.text] != nil ? yearCell.text
                : Int(yearCell.text).map { DemandProjection.yearLabel(census: $0) } ?? yearCell.text)
            guard let t = yearIndex[label] else { continue }
            yearsGiven[t] = true
            guard let needCell = row.indices.contains(needColumn) ? row[needColumn] : nil, !needCell.text.isEmpty else { csvFail(row, needColumn, "the need is missing", file: file); continue }
            guard let n = need(needCell.text) else {
                let what = stateShape ? "need-setting \"\(needCell.text)\" starts with no declared need (NEED-SETTING; add the need to demand.labels.needs)"
                    : "need \"\(needCell.text)\" maps to no declared need (add it to \(root).labels.needs)"
                csvFail(row, needColumn, what, file: file)
                continue
            }
            let z = zones.isEmpty ? 0 : zoneColumn.flatMap { csvReference(row, $0, in: zoneIndex, kind: "zone", file: file) }
            var a: Int? = 0
            if !ages.isEmpty {
                // With ages, the row's academic-year (national curriculum year) gives its group.
                a = nil
                if let column = table.columnIndex("academic-year"), column < row.count, let year = Int(row[column].text) {
                    a = ages.firstIndex { $0.from <= year && year <= $0.to }
                    if a == nil { csvFail(row, column, "academic-year \(year) is in no age group (\(ages.first!.from) to \(ages.last!.to))", file: file) }
                } else if let column = table.columnIndex("academic-year"), column < row.count {
                    csvFail(row, column, "the academic-year must be a whole number (a national curriculum year), got \"\(row[column].text)\"", file: file)
                } else {
                    csvFail(row, table.columnIndex("academic-year") ?? 0, "with ages, each row needs an academic-year (a national curriculum year)", file: file)
                }
            }
            guard let population = csvNumber(row, populationColumn, file: file, max: ScenarioDecoder.Limits.maxChildren) ?? nil, let z, let a else { continue }
            let key = ((t * zoneCount + z) * needs.count + n) * ageCount + a
            demand[key] += population
            checkDemandLimit(demand, key: key, row: row, column: populationColumn, passed: &passed, file: file)
        }
    }

    /// Reports, at the row that does it, each year and need whose rows add up past the limit.
    private func checkDemandLimit(_ demand: [Double], key: Int, row: [CSVTable.Cell], column: Int, passed: inout Set<Int>, file: String) {
        guard demand[key] > ScenarioDecoder.Limits.maxChildren, passed.insert(key).inserted else { return }
        let a = key % ageCount, cohort = key / ageCount
        let n = cohort % needs.count, t = cohort / (zoneCount * needs.count), z = (cohort / needs.count) % zoneCount
        let place = (zones.isEmpty ? "" : " in zone \(zones[z])") + (ages.isEmpty ? "" : ", age group \(ages[a].id),")
        csvFail(row, column, "demand for \(needs[n])\(place) in \(years[t]) adds up to more than 10 million children by this row", file: file)
    }
}
