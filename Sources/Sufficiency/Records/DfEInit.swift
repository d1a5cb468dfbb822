import Foundation

/// `init` (SPEC §8): a starting scenario for one local authority from DfE's published
/// "Education, health and care plans" statistics — the need-by-placement file (need split of
/// each type of placement) and, when given, the caseload file (placements by establishment type
/// over several years). Every figure's source (file, time period, row) and every assumption goes
/// into the scenario's `description`; suppressed cells (`x`, `c`, `z`, `low`, empty) are named in
/// the warnings and taken as 0.
public struct DfEInit {
    /// The placement groups of the scenario: the DfE rows (need file) and caseload columns behind each.
    struct Group {
        var type: SettingType
        var id: String
        var name: String
        var needRows: [String]
        var caseloadColumns: [String]
        var costPerPlace: Double
        var transportPerPlace: Double
    }

    /// National costs per place (a year, £) used unless `--costs` gives the council's own; each an
    /// assumption stated in the description (orders of magnitude for England, 2024/25).
    static let groups: [Group] = [
        Group(type: .mainstream, id: "mainstream", name: "Mainstream schools (EHCP top-up)",
              needRows: ["Mainstream - academy", "Mainstream - free school", "Mainstream - independent", "Mainstream - LA maintained"],
              caseloadColumns: ["mainstream_la_maintained", "mainstream_academy", "mainstream_free_school", "mainstream_independent"],
              costPerPlace: 8_700, transportPerPlace: 1_200),
        Group(type: .dsp, id: "resourced-provision", name: "Resourced provision and SEN units in mainstream",
              needRows: ["Mainstream - academy (resourced provision)", "Mainstream - academy (SEN unit)", "Mainstream - free school (resourced provision)",
                         "Mainstream - free school (SEN unit)", "Mainstream - LA maintained (resourced provision)", "Mainstream - LA maintained (SEN unit)"],
              caseloadColumns: ["mainstream_la_maintained_resourced_provision", "mainstream_la_maintained_senunit", "mainstream_academy_resourced_provision",
                                "mainstream_academy_senunit", "mainstream_free_school_resourced_provision", "mainstream_free_school_senunit"],
              costPerPlace: 19_000, transportPerPlace: 5_000),
        Group(type: .special, id: "special", name: "Special schools and academies",
              needRows: ["Special - Academy/free schools", "Special - LA maintained"],
              caseloadColumns: ["special_la_maintained", "special_academy", "special_free_school"],
              costPerPlace: 25_000, transportPerPlace: 8_100),
        Group(type: .independent, id: "independent", name: "Independent and non-maintained special schools",
              needRows: ["Special - independent", "Special - non-maintained"],
              caseloadColumns: ["special_independent", "special_non_maintained"],
              costPerPlace: 63_500, transportPerPlace: 12_000),
        Group(type: .ap, id: "ap", name: "Alternative provision and PRUs",
              needRows: ["AP/PRU - total"], caseloadColumns: ["ap_pru_total"], costPerPlace: 23_000, transportPerPlace: 3_000),
        Group(type: .post16, id: "post16", name: "Further education and specialist post-16",
              needRows: ["FE - total"], caseloadColumns: ["fe_total"], costPerPlace: 12_000, transportPerPlace: 3_000),
    ]

    /// DfE's need columns and the scenario's need names.
    static let needColumns: [(column: String, need: String)] = [
        ("number_asd", "ASD"), ("number_slcn", "SLCN"), ("number_semh", "SEMH"), ("number_mld", "MLD"), ("number_sld", "SLD"),
        ("number_pmld", "PMLD"), ("number_spld", "SPLD"), ("number_pd", "PD"), ("number_hi", "HI"), ("number_vi", "VI"),
        ("number_msi", "MSI"), ("number_ds", "DS"), ("number_oth", "OTH"),
    ]
    static let suppressed: Set<String> = ["x", "c", "z", "low", ""]

    /// Age groups in national curriculum years, as the shipped scenarios have them.
    static let ageGroups: [(id: String, name: String, from: Int, to: Int)] = [
        ("primary", "Primary (Reception to Year 6)", 0, 6), ("secondary", "Secondary (Years 7 to 11)", 7, 11),
        ("post16", "Post-16 (Years 12 to 14, ages 16 to 18)", 12, 14), ("post19", "Post-19 (ages 19 to 25)", 15, 20)]

    /// The age group of a caseload age row ("age 10" at the start of the academic year is Year 6):
    /// curriculum year = age − 4; under-fives count in primary, "20 and over" in post-19.
    static func ageGroup(of breakdown: String) -> Int? {
        let text = breakdown.lowercased()
        if text.hasPrefix("under") || text.contains("and under") { return 0 }
        let digits = text.drop { !$0.isNumber }.prefix { $0.isNumber }
        guard let age = Int(digits) else { return nil }
        let year = age - 4
        return ageGroups.firstIndex { year >= $0.from && year <= $0.to } ?? (year < 0 ? 0 : ageGroups.count - 1)
    }

    public var laName: String
    public var years: Int = 5
    /// Age groups (primary, secondary, post-16, post-19) from the caseload file's ages.
    public var ages = false
    /// Costs by setting type (`--costs`), overriding the national table.
    public var costs: [SettingType: (cost: Double, transport: Double)] = [:]
    /// Where `costs` came from (the `--costs` file), for the description.
    public var costsSource: String?

    public init(laName: String) { self.laName = laName }

    public struct Result {
        public var scenarioJSON: String
        public var warnings: [String]
        /// Children in each placement group at the latest census, and the total of plans.
        public var totalPlans: Double
        public var placed: [String: Double]
        public var needSplit: [String: Double]
        /// The authority as DfE spells it.
        public var laName: String
    }

    public struct InitError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads a DfE CSV: the header and the rows of `laName` (local-authority level), with the file name for messages.
    static func rows(_ bytes: [UInt8], file: String, la: String) throws -> (header: [String], rows: [(line: Int, cells: [String: String])]) {
        let table: CSVTable
        do { table = try CSVTable.parse(bytes) } catch { throw InitError(description: "\(file): not valid CSV: \(error.message) (line \(error.line), column \(error.column))") }
        for required in ["time_period", "geographic_level", "la_name", "breakdown_topic", "breakdown"] where !table.header.contains(required) {
            throw InitError(description: "\(file): no column \(required): is it DfE's \"Education, health and care plans\" file?")
        }
        var result: [(Int, [String: String])] = []
        for (k, row) in table.rows.enumerated() {
            // A row with fewer or more fields than the header: a file cut off or damaged.
            guard row.count == table.header.count else {
                throw InitError(description: "\(file) line \(row.first?.line ?? k + 2): \(row.count) fields where the header has \(table.header.count): is the file cut off or damaged?")
            }
            var cells: [String: String] = [:]
            for (c, name) in table.header.enumerated() where c < row.count { cells[name] = row[c].text }
            guard cells["geographic_level"] == "Local authority", cells["la_name"]?.lowercased() == la.lowercased() else { continue }
            result.append((row.first?.line ?? k + 2, cells))
        }
        return (table.header, result)
    }

    /// A cell as a number; suppressed or missing cells are 0 and named in `warnings`.
    static func value(_ cells: [String: String], _ column: String, file: String, line: Int, warnings: inout [String]) -> Double {
        let text = (cells[column] ?? "").trimmingCharacters(in: .whitespaces)
        if let number = Double(text), number.isFinite, number >= 0 { return number }
        let shown = text.isEmpty ? "empty" : "\"\(text)\""
        warnings.append("\(file) line \(line), \(column): \(shown) (suppressed or missing), taken as 0")
        return 0
    }

    public func run(needFile: (name: String, bytes: [UInt8]), caseloadFile: (name: String, bytes: [UInt8])?) throws -> Result {
        var warnings: [String] = []
        let need = try Self.rows(needFile.bytes, file: needFile.name, la: laName)
        guard !need.rows.isEmpty else { throw InitError(description: "\(needFile.name): no local-authority rows for \"\(laName)\" (la_name)") }
        let needPeriod = need.rows.map { $0.cells["time_period"] ?? "" }.max()!
        let laName = need.rows.first?.cells["la_name"] ?? self.laName   // DfE's own spelling
        let latestNeed = need.rows.filter { $0.cells["time_period"] == needPeriod }
        let needs = Self.needColumns.filter { need.header.contains($0.column) }
        // The need split of each placement group, from the need file's "Type of placement" rows.
        var groupNeeds: [[Double]] = []
        var groupNeedTotals: [Double] = []
        var citations: [String] = []
        for group in Self.groups {
            var counts = [Double](repeating: 0, count: needs.count)
            for rowName in group.needRows {
                guard let row = latestNeed.first(where: { $0.cells["breakdown_topic"] == "Type of placement" && $0.cells["breakdown"] == rowName }) else { continue }
                for (k, entry) in needs.enumerated() { counts[k] += Self.value(row.cells, entry.column, file: needFile.name, line: row.line, warnings: &warnings) }
            }
            groupNeeds.append(counts)
            groupNeedTotals.append(counts.reduce(0, +))
        }
        let hasPlacementRows = groupNeedTotals.contains { $0 > 0 }
        if !hasPlacementRows {
            warnings.append("\(needFile.name): no \"Type of placement\" rows for \(laName) in \(needPeriod): every group is split by need in the shares of all plans")
        }
        guard let all = latestNeed.first(where: { $0.cells["breakdown_topic"] == "All EHC plans" }) else {
            throw InitError(description: "\(needFile.name): no \"All EHC plans\" row for \(laName) in \(needPeriod)")
        }
        var needSplit: [String: Double] = [:]
        for entry in needs { needSplit[entry.need] = Self.value(all.cells, entry.column, file: needFile.name, line: all.line, warnings: &warnings) }
        let allPlans = Self.value(all.cells, "ehc_plans", file: needFile.name, line: all.line, warnings: &warnings)
        citations.append(hasPlacementRows
            ? "need split of each type of placement and of all \(Int(allPlans)) plans: \(needFile.name), time_period \(needPeriod), \(laName) rows \"All EHC plans\" (line \(all.line)) and \"Type of placement\""
            : "need split of all \(Int(allPlans)) plans, used for every placement group (the file has no \"Type of placement\" rows): \(needFile.name), time_period \(needPeriod), \(laName) row \"All EHC plans\" (line \(all.line))")

        // Children placed in each group and the total of plans: the caseload file's latest year when given.
        var placed = [Double](repeating: 0, count: Self.groups.count)
        var total = allPlans
        var period = needPeriod
        var growth = 0.1
        var ageCounts: [[Double]]?
        var growthNote = "ASSUMED: demand grows 10% a year (no caseload time series given; England's EHC plans grew 12.5% in the year to January 2026)"
        if let caseloadFile {
            let caseload = try Self.rows(caseloadFile.bytes, file: caseloadFile.name, la: laName)
            let series = caseload.rows.filter { $0.cells["breakdown_topic"] == "All EHC plans" }.sorted { ($0.cells["time_period"] ?? "") < ($1.cells["time_period"] ?? "") }
            guard let latest = series.last else { throw InitError(description: "\(caseloadFile.name): no \"All EHC plans\" row for \(laName)") }
            period = latest.cells["time_period"] ?? ""
            if period < needPeriod {
                warnings.append("\(caseloadFile.name): its latest year (\(period)) is older than the need file's (\(needPeriod)): is it the right file, or cut off?")
            }
            total = Self.value(latest.cells, "ehcplans", file: caseloadFile.name, line: latest.line, warnings: &warnings)
            for (g, group) in Self.groups.enumerated() {
                placed[g] = group.caseloadColumns.reduce(0.0) { $0 + Self.value(latest.cells, $1, file: caseloadFile.name, line: latest.line, warnings: &warnings) }
            }
            citations.append("\(Int(total)) EHC plans and the children in each type of placement: \(caseloadFile.name), time_period \(period), \(laName) row \"All EHC plans\" (line \(latest.line))")
            if ages {
                let ageRows = caseload.rows.filter { $0.cells["time_period"] == period && $0.cells["breakdown_topic"] == "Age at start of academic year" }
                guard !ageRows.isEmpty else { throw InitError(description: "\(caseloadFile.name): no \"Age at start of academic year\" rows for \(laName) in \(period): --ages needs them") }
                ageCounts = Self.groups.map { _ in [Double](repeating: 0, count: Self.ageGroups.count) }
                for row in ageRows {
                    guard let a = Self.ageGroup(of: row.cells["breakdown"] ?? "") else { continue }
                    for (g, group) in Self.groups.enumerated() {
                        ageCounts![g][a] += group.caseloadColumns.reduce(0.0) { $0 + Self.value(row.cells, $1, file: caseloadFile.name, line: row.line, warnings: &warnings) }
                    }
                }
                citations.append("each group's children by age: \(caseloadFile.name), time_period \(period), \(laName) rows \"Age at start of academic year\" (age at the start of the year − 4 = curriculum year; under-fives in primary)")
            }
            // Growth: the yearly rate over the person-level years (from 2022/23, comparable with each other).
            let comparable = series.filter { ($0.cells["time_period"] ?? "") >= "202223" }
            if comparable.count < 2 {
                growthNote = "ASSUMED: demand grows 10% a year (the caseload file has fewer than two person-level years, from 2022/23, to give a rate; England's EHC plans grew 12.5% in the year to January 2026)"
                warnings.append("\(caseloadFile.name): fewer than two comparable years (from 2022/23) for a growth rate; 10% a year assumed")
            }
            if let first = comparable.first, comparable.count >= 2 {
                let start = Self.value(first.cells, "ehcplans", file: caseloadFile.name, line: first.line, warnings: &warnings)
                let span = Double(comparable.count - 1)
                if start > 0 && total > 0 {
                    growth = pow(total / start, 1 / span) - 1
                    growthNote = String(format: "growth %.1f%% a year: EHC plans from %d (%@) to %d (%@), %@ (the person-level years, comparable with each other)",
                                        growth * 100, Int(start), first.cells["time_period"] ?? "", Int(total), period, caseloadFile.name)
                }
            }
        } else {
            for (g, _) in Self.groups.enumerated() { placed[g] = groupNeedTotals[g] }
        }

        if ages && ageCounts == nil { throw InitError(description: "--ages needs the caseload file (--caseload), whose rows give each placement group's children by age") }
        // Incumbents: each group's children split by need in the need file's shares for that group
        // (and by age in the caseload file's shares for that group, with --ages).
        var incumbents: [[String: Any]] = []
        let A = ageCounts == nil ? 1 : Self.ageGroups.count
        var byNeed = [Double](repeating: 0, count: needs.count * A)   // k · A + a
        for (g, group) in Self.groups.enumerated() where placed[g] > 0 {
            let shares = groupNeedTotals[g] > 0 ? groupNeeds[g].map { $0 / groupNeedTotals[g] } : needs.map { needSplit[$0.need].map { $0 / max(1, allPlans) } ?? 0 }
            let ageTotal = ageCounts.map { $0[g].reduce(0, +) } ?? 0
            let ageShares: [Double] = ageCounts.map { counts in ageTotal > 0 ? counts[g].map { $0 / ageTotal } : Self.ageGroups.map { _ in 1 / Double(Self.ageGroups.count) } } ?? [1]
            for (k, entry) in needs.enumerated() where shares[k] > 0 {
                for a in 0..<A where ageShares[a] > 0 {
                    let children = (placed[g] * shares[k] * ageShares[a] * 1000).rounded() / 1000
                    guard children >= 0.001 else { continue }
                    var incumbent: [String: Any] = ["setting": group.id, "need": entry.need, "children": children]
                    if ageCounts != nil { incumbent["age"] = Self.ageGroups[a].id }
                    incumbents.append(incumbent)
                    byNeed[k * A + a] += children
                }
            }
        }
        let startYear = Int(period.prefix(4)).map { $0 + 1 } ?? 2026
        let yearLabels = (0..<years).map { "\(startYear + $0)/\(String(format: "%02d", (startYear + $0 + 1) % 100))" }
        var base: [String: Any] = [:]
        for (k, entry) in needs.enumerated() {
            let total = (0..<A).reduce(0.0) { $0 + byNeed[k * A + $1] }
            guard total > 0 else { continue }
            if ageCounts == nil { base[entry.need] = (total * (1 + growth) * 1000).rounded() / 1000; continue }
            var byAge: [String: Double] = [:]
            for a in 0..<A { byAge[Self.ageGroups[a].id] = (byNeed[k * A + a] * (1 + growth) * 1000).rounded() / 1000 }
            base[entry.need] = byAge
        }
        let usedNeeds = needs.map(\.need).filter { base[$0] != nil }
        let settings: [[String: Any]] = Self.groups.enumerated().map { g, group in
            let cost = costs[group.type] ?? (group.costPerPlace, group.transportPerPlace)
            return ["id": group.id, "name": group.name, "type": group.type.rawValue, "serves": "all",
                    "capacity": (placed[g] * 1000).rounded() / 1000, "costPerPlace": cost.cost, "transportPerPlace": cost.transport]
        }
        let elsewhere = total - placed.reduce(0, +)
        let costNote = Self.groups.map { group in
            let cost = costs[group.type] ?? (group.costPerPlace, group.transportPerPlace)
            let source = costs[group.type] != nil ? " from \(costsSource ?? "--costs")" : ""
            return "\(group.type.rawValue) £\(ReportText.money(cost.cost)) + £\(ReportText.money(cost.transport)) transport\(source)"
        }.joined(separator: ", ")
        let description = """
        Starting scenario for \(laName) written by sufficiency-solve init from DfE, "Education, health and care plans" \
        (explore-education-statistics, Open Government Licence v3.0). SOURCES: \(citations.joined(separator: "; ")). \
        The \(ReportText.money(placed.reduce(0, +))) children in school and college placements are today's children (incumbents), each group's \
        split by need in the shares the need file gives for that group, and each group's count is its capacity (today's places). \
        \(ReportText.money(max(0, elsewhere))) plans whose children are educated elsewhere, in early years settings or whose placement is not \
        recorded are left out of the demand: their provision is not a school place. Demand in \(yearLabels[0]) is today's placed children \
        by need grown one year, then \(growthNote). ASSUMED (edit them): costs a place a year, national orders of magnitude for \
        England 2024/25 where no --costs file gives the council's own (\(costNote)); every setting serves every need; leaving rate 0.2 a year for every \
        setting; unmet penalty £500,000 (above any placement over the horizon); discount 3.5% (Treasury Green Book) and \
        inflation 2%; no finance section (add the High Needs Block grant and the deficit brought forward).
        """
        var object: [String: Any] = [
            "format": "sufficiency/1",
            "name": "\(laName): starting scenario from DfE EHC plan statistics (\(period))",
            "description": description,
            "metadata": ["generator": "sufficiency-solve init", "seal": Seal.placeholder, "sources": [needFile.name] + (caseloadFile.map { [$0.name] } ?? []) + (costsSource.map { [$0] } ?? []), "warnings": warnings],
            "years": yearLabels,
            "needs": usedNeeds,
            "unmetPenalty": 500_000,
            "discountRate": 0.035,
            "inflation": 0.02,
            "demand": ["base": base, "growth": (growth * 1e6).rounded() / 1e6],
            "settings": settings,
            "incumbents": incumbents,
        ]
        if ageCounts != nil {
            object["ages"] = Self.ageGroups.map { ["id": $0.id, "name": $0.name, "from": $0.from, "to": $0.to] }
            object["description"] = description + " With age groups (--ages): ASSUMED every setting takes every age; children move up a group as the curriculum years of their group pass."
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        var placedByGroup: [String: Double] = [:]
        for (g, group) in Self.groups.enumerated() { placedByGroup[group.id] = placed[g] }
        return Result(scenarioJSON: Seal.seal(String(decoding: data, as: UTF8.self) + "\n"), warnings: warnings, totalPlans: total, placed: placedByGroup, needSplit: needSplit, laName: laName)
    }

    /// `--costs`: CSV `type,costPerPlace,transportPerPlace`, one row per setting type.
    public static func readCosts(_ bytes: [UInt8], file: String) throws -> [SettingType: (cost: Double, transport: Double)] {
        let table: CSVTable
        do { table = try CSVTable.parse(bytes) } catch { throw InitError(description: "\(file): not valid CSV: \(error.message) (line \(error.line), column \(error.column))") }
        guard let type = table.columnIndex("type"), let cost = table.columnIndex("costperplace") else {
            throw InitError(description: "\(file): needs the columns type and costPerPlace (and optionally transportPerPlace)")
        }
        let transport = table.columnIndex("transportperplace")
        var result: [SettingType: (cost: Double, transport: Double)] = [:]
        var problems: [String] = []
        for row in table.rows {
            func cell(_ c: Int) -> CSVTable.Cell? { c < row.count ? row[c] : nil }
            guard row.count == table.header.count else {
                problems.append("\(file) line \(row.first?.line ?? 0): \(row.count) fields where the header has \(table.header.count)"); continue
            }
            guard let typeCell = cell(type), let kind = SettingType(rawValue: typeCell.text) else {
                problems.append("\(file) line \(row.first?.line ?? 0): type must be one of \(SettingType.allCases.map(\.rawValue).joined(separator: ", "))"); continue
            }
            guard let costCell = cell(cost), let value = NumberSyntax.parse(costCell.text[...]), value.isFinite, value >= 0, value <= 1e7 else {
                problems.append("\(file) line \(row.first?.line ?? 0), costPerPlace: must be a number from 0 to 10,000,000"); continue
            }
            var travel = groups.first { $0.type == kind }!.transportPerPlace
            if let transport, let text = cell(transport)?.text, !text.isEmpty {
                guard let parsed = NumberSyntax.parse(text[...]), parsed.isFinite, parsed >= 0, parsed <= 1e7 else {
                    problems.append("\(file) line \(row.first?.line ?? 0), transportPerPlace: must be a number from 0 to 10,000,000"); continue
                }
                travel = parsed
            }
            guard result[kind] == nil else { problems.append("\(file) line \(row.first?.line ?? 0): a second row for \(kind.rawValue)"); continue }
            result[kind] = (value, travel)
        }
        guard problems.isEmpty else { throw InitError(description: problems.joined(separator: "; ")) }
        return result
    }
}
