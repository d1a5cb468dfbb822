import ArgumentParser
import Foundation
import Sufficiency

struct ProjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "Project demand from the council's own transitions (witan.send's input file): by need, age group and year, with bands and futures.",
        discussion: """
        sufficiency-solve project transitions.csv --labels labels.json --years 2026/27..2030/31 --simulations 1000 --into scenario.json --output projected.json
        transitions.csv has the columns calendar-year, setting-1, need-1, academic-year-1, setting-2, need-2, academic-year-2: one row per child per
        year between two January censuses, NONSEND marking joiners and leavers. Scenario year 2026/27 is the census of January 2027.
        --format csv writes the demand table that "demand": {"csv": FILE} reads; json (the default) a scenario fragment (years, needs, ages,
        demand, incumbents, futures); --into SCENARIO merges the fragment into a copy of that scenario (written to --output or standard output).
        --backtest YEAR fits on the transitions before YEAR and compares the projection from the census of January YEAR with what was observed.
        """)

    @Argument(help: "The transitions CSV.") var transitions: String
    @Option(help: "Population CSV (calendar-year, academic-year, population): joiners per head.") var population: String?
    @Option(name: .customLong("valid-states"), help: "Valid states CSV (setting, setting-group, min-academic-year, max-academic-year, needs, setting->setting).") var validStates: String?
    @Option(help: "JSON map of the council's codes to the scenario's names: {\"needs\": {code: need}, \"settings\": {code: setting}}.") var labels: String?
    @Option(help: "Scenario years to project, FROM..TO (2026/27..2030/31); default: the --into scenario's years.") var years: String?
    @Option(help: "Simulations for the bands and futures (0: the expected values only).") var simulations: Int = 0
    @Option(help: "Seed of the simulations.") var seed: UInt64 = 1
    @Option(help: "Futures from the simulations, PERCENTILE:PROBABILITY,… (default 10:0.3,50:0.4,90:0.3 with simulations; none: no futures).") var futures: String?
    @Option(help: "Weight of the prior, in children, given to each state's shares.") var priorWeight: Double = 1
    @Option(help: "Growth of joiners a year: none (pooled, the default), fitted (the trend of the fitted years' joiners), or a rate such as 0.05; compounded from the middle of the fitted years, where the pooled rate sits.") var joinerGrowth: String = "none"
    @Flag(help: "Demand by need only (no age groups).") var noAges = false
    @Option(help: "Merge the projection into a copy of this JSON scenario (its years, needs and ages).") var into: String?
    @Option(help: "Fit on the transitions before this calendar year and compare with what followed.") var backtest: Int?
    @Option(help: "csv (the demand table) or json (a scenario fragment, or the merged scenario with --into); with --backtest, table (the default) or csv.") var format: ProjectFormat?
    @Option(help: "Write here (atomically; only a file project wrote is replaced) instead of standard output.") var output: String?
    @OptionGroup var input: InputOptions

    enum ProjectFormat: String, ExpressibleByArgument, CaseIterable { case csv, json, table }

    func validate() throws {
        guard (0...100_000).contains(simulations) else { throw ValidationError("--simulations must be 0 to 100000") }
        guard priorWeight > 0, priorWeight <= 1_000_000 else { throw ValidationError("--prior-weight must be above 0 (and at most 1000000)") }
        if into != nil, format == .csv || format == .table { throw ValidationError("--into writes a scenario: use --format json") }
        if backtest != nil, format == .json { throw ValidationError("--backtest writes a table: --format table (the default) or csv") }
        if backtest == nil, format == .table { throw ValidationError("--format table is for --backtest; a projection is csv or json") }
        if backtest != nil, into != nil || years != nil { throw ValidationError("--backtest compares with the observed years: it takes neither --into nor --years") }
        if into == nil, years == nil, backtest == nil { throw ValidationError("give --years FROM..TO (or --into a scenario whose years to use)") }
    }

    func read(_ path: String) throws -> (name: String, bytes: [UInt8]) {
        let result = Result { () throws(ScenarioErrors) -> [UInt8] in try ScenarioDecoder.readFile(path, maxInputBytes: input.maxBytes) }
        switch result {
        case .success(let bytes): return (path, bytes)
        case .failure(let error): throw CommandFailure.badInput("\(path): \(error.issues.first?.message ?? "cannot be read")")
        }
    }

    /// Runs a reader, turning its problems into the all-at-once report of SPEC §6.
    func load<T>(_ path: String, _ body: ([UInt8], String) throws(ScenarioErrors) -> T) throws -> T {
        let file = try read(path)
        switch Result(catching: { () throws(ScenarioErrors) -> T in try body(file.bytes, file.name) }) {
        case .success(let value): return value
        case .failure(let errors): throw CommandFailure.badRecords(file: path, errors)
        }
    }

    func parseFutures() throws -> [(percentile: Double, probability: Double)] {
        guard let futures else { return simulations > 0 ? [(10, 0.3), (50, 0.4), (90, 0.3)] : [] }
        if futures == "none" { return [] }
        guard simulations > 0 else { throw CommandFailure.badInput("--futures needs --simulations: futures come from the simulations' spread") }
        var result: [(Double, Double)] = []
        for part in futures.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            guard pieces.count == 2, let q = Double(pieces[0]), let p = Double(pieces[1]), q >= 0, q <= 100, p > 0, p <= 1 else {
                throw CommandFailure.badInput("--futures: \"\(part)\" is not PERCENTILE:PROBABILITY (a percentile 0 to 100, a probability above 0 and at most 1)")
            }
            result.append((q, p))
        }
        guard result.count <= 100 else { throw CommandFailure.badInput("--futures: at most 100 futures") }
        let repeated = Dictionary(grouping: result.map(\.0), by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        guard repeated.isEmpty else { throw CommandFailure.badInput("--futures: percentile \(repeated.map { String(format: "%g", $0) }.joined(separator: ", ")) is given twice; each future is one percentile") }
        let total = result.reduce(0) { $0 + $1.1 }
        guard abs(total - 1) <= 1e-9 else { throw CommandFailure.badInput("--futures: the probabilities add up to \(total), not 1") }
        return result
    }

    func growthRule() throws -> CohortModel.JoinerGrowth {
        switch joinerGrowth {
        case "none": return .none
        case "fitted": return .fitted
        default:
            guard let g = Double(joinerGrowth), g > -1, g <= 1 else { throw CommandFailure.badInput("--joiner-growth must be none, fitted, or a rate above −1 and at most 1 (0.05 is 5% a year)") }
            return .rate(g)
        }
    }

    func parseYears(_ text: String) throws -> [Int] {
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2, let from = DemandProjection.censusYear(of: parts[0]), let to = DemandProjection.censusYear(of: parts[1]), from <= to, to - from < 50 else {
            throw CommandFailure.badInput("--years \(text): give FROM..TO as school years, such as 2026/27..2030/31 (2026/27 is the census of January 2027), at most 50 years, FROM first")
        }
        return Array(from...to)
    }

    func run() throws {
        let kind: OutputKind = backtest != nil ? .backtestReport : format == .csv ? .projectionTable : .projectScenario
        if let output { try OutputFile.check(output, kind: kind) }
        let requestedFutures = try parseFutures()
        let labelMap = try labels.map { path in try load(path) { bytes, name throws(ScenarioErrors) in try RecordLabels.read(bytes, file: name) } } ?? RecordLabels()
        let records = try load(transitions) { bytes, name throws(ScenarioErrors) in try TransitionRecords.read(bytes, file: name, labels: labelMap) }
        for warning in records.warnings { Console.error("warning: \(warning)") }
        let populationTable = try population.map { path in try load(path) { bytes, name throws(ScenarioErrors) in try PopulationTable.read(bytes, file: name) } }
        let valid = try validStates.map { path in try load(path) { bytes, name throws(ScenarioErrors) in try ValidStates.read(bytes, file: name, records: records, labels: labelMap) } }

        if let backtest {
            let result: Backtest
            do { result = try Backtest.run(records, year: backtest, population: populationTable, valid: valid, priorWeight: priorWeight, simulations: simulations, seed: seed, growth: try growthRule()) }
            catch { throw CommandFailure.badInput("\(error)") }
            for warning in result.model.warnings { Console.error("warning: \(warning)") }
            let text = format == .csv ? result.csv() : result.text(records: transitions)
            if let output { try OutputFile.write(text, to: output, kind: .backtestReport) } else { try StandardStreams.writeOutput(text) }
            return
        }

        // The scenario to merge into: decoded first, so its problems are reported as any scenario's.
        var target: Scenario?
        var targetObject: [String: Any]?
        if let into {
            target = try loadScenario(into, maxBytes: input.maxBytes)
            let bytes = try read(into).bytes
            guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
                throw CommandFailure.badInput("--into \(into): project merges into a JSON scenario (convert a YAML one first)")
            }
            targetObject = object
        }
        let censusYears: [Int]
        if let years { censusYears = try parseYears(years) } else {
            censusYears = try target!.years.map { label in
                guard let year = DemandProjection.censusYear(of: label) else {
                    throw CommandFailure.badInput("--into \(into!): its year \"\(label)\" is not a school year like 2026/27; give --years")
                }
                return year
            }
            if zip(censusYears, censusYears.dropFirst()).contains(where: { $1 != $0 + 1 }) {
                throw CommandFailure.badInput("--into \(into!): its years do not follow on one a year; project needs consecutive school years")
            }
        }
        if let target {
            let labelsOf = censusYears.map(DemandProjection.yearLabel(census:))
            guard labelsOf == target.years else {
                throw CommandFailure.badInput("--years gives \(labelsOf.joined(separator: ", ")) but \(into!) plans \(target.years.joined(separator: ", ")): they must be the same")
            }
            let missing = records.needs.filter { !target.needs.contains($0) }
            if !missing.isEmpty {
                throw CommandFailure.badInput("\(transitions): need\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") not among \(into!)'s needs (\(target.needs.joined(separator: ", "))); map the council's codes with --labels")
            }
            let silent = target.needs.filter { !records.needs.contains($0) }
            if !silent.isEmpty {
                throw CommandFailure.badInput("\(into!): need\(silent.count == 1 ? "" : "s") \(silent.joined(separator: ", ")) \(silent.count == 1 ? "has" : "have") no child in \(transitions), so \(silent.count == 1 ? "its" : "their") demand would become 0; map the council's codes to \(silent.count == 1 ? "it" : "them") with --labels, or remove \(silent.count == 1 ? "the need" : "those needs") from the scenario")
            }
            let settingIds = Set(target.settings.map(\.id))
            let unknown = records.settings.filter { !settingIds.contains($0) }
            if !unknown.isEmpty {
                throw CommandFailure.badInput("\(transitions): setting\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", ")) \(unknown.count == 1 ? "is" : "are") not among \(into!)'s settings; map the council's codes to setting ids with --labels")
            }
            if !target.zones.isEmpty {
                throw CommandFailure.badInput("--into \(into!): the scenario has zones; the transitions have none, so project cannot give demand by zone")
            }
        }

        let span = records.calendarYears
        var model: CohortModel
        do { model = try CohortModel.fit(records, years: span, population: populationTable, valid: valid, priorWeight: priorWeight) }
        catch { throw CommandFailure.badInput("\(error)") }
        for warning in model.warnings { Console.error("warning: \(warning)") }
        do { try model.apply(try growthRule()) } catch let error as CohortModel.FitError { throw CommandFailure.badInput("\(error)") }
        if case .fitted = try growthRule() {
            Console.error(String(format: "joiners grow %.1f%% a year over calendar years %d–%d (a least-squares line through their logarithm)", model.joinerGrowth * 100, model.fittedYears.lowerBound, model.fittedYears.upperBound))
        }
        let groups: [AgeGroup] = noAges ? [] : target.map(\.ages) ?? DemandProjection.defaultGroups(for: model.academicYears)
        var options = DemandProjection.Options(censusYears: censusYears, groups: groups)
        options.simulations = simulations
        options.seed = seed
        options.futures = requestedFutures
        let projection: DemandProjection
        do { projection = try DemandProjection.run(model, records: records, base: span.upperBound + 1, population: populationTable, options: options) }
        catch { throw CommandFailure.badInput("\(error)") }
        if projection.outsideGroups > 0.005 {
            Console.error("warning: \(ReportText.children(projection.outsideGroups)) projected children are in academic years no age group covers (\(groups.map { "\($0.id) \($0.from)..\($0.to)" }.joined(separator: ", "))); they are left out of demand")
        }

        var text: String
        switch format ?? .json {
        case .csv, .table:
            text = projection.csv()
        case .json:
            let note = projection.methodNote(records: URL(fileURLWithPath: transitions).lastPathComponent, model: model)
            var object = projection.fragment(allNeeds: target?.needs)
            let sources = [transitions] + [population, validStates, labels].compactMap { $0 }
            if var scenario = targetObject {
                for (key, value) in object where key != "needs" { scenario[key] = value }
                if groups.isEmpty { scenario.removeValue(forKey: "ages") }
                let description = (scenario["description"] as? String).map { $0.isEmpty ? note : $0 + "\n\n" + note } ?? note
                scenario["description"] = description
                var metadata = scenario["metadata"] as? [String: Any] ?? [:]
                metadata["generator"] = "sufficiency-solve project"
                metadata["seal"] = Seal.placeholder
                metadata["sources"] = sources.map { URL(fileURLWithPath: $0).lastPathComponent } + [URL(fileURLWithPath: into!).lastPathComponent]
                scenario["metadata"] = metadata
                object = scenario
            } else {
                object["description"] = note
                object["metadata"] = ["generator": "sufficiency-solve project", "seal": Seal.placeholder, "sources": sources.map { URL(fileURLWithPath: $0).lastPathComponent }] as [String: Any]
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            text = Seal.seal(String(decoding: data, as: UTF8.self) + "\n")
            if let into {
                // What is written must itself be a valid scenario: the settings must take the children placed in them.
                let directory = URL(fileURLWithPath: into).deletingLastPathComponent().path
                do { _ = try ScenarioDecoder.decode(Array(text.utf8), baseDirectory: directory, maxInputBytes: input.maxBytes) } catch {
                    let problems = error.issues.prefix(10).map { "  \($0)" }.joined(separator: "\n")
                    throw CommandFailure.badInput("the scenario with the projection merged in does not validate (nothing written):\n\(problems)\nCheck that --labels maps each council setting to a scenario setting that takes its needs and ages")
                }
            }
        }
        if let output { try OutputFile.write(text, to: output, kind: kind) } else { try StandardStreams.writeOutput(text) }
        let N = projection.needs.count, G = projection.groupCount
        let last = censusYears.count - 1
        let total = (0..<(N * G)).reduce(0) { $0 + projection.mean[last * N * G + $1] }
        var summary = "projected \(DemandProjection.yearLabel(census: censusYears[0]))..\(DemandProjection.yearLabel(census: censusYears[last])) from the census of January \(span.upperBound + 1): \(ReportText.children(total)) children in \(DemandProjection.yearLabel(census: censusYears[last]))"
        if let bands = projection.bandsTotal {
            let p10 = DemandProjection.percentiles.firstIndex(of: 10)!, p90 = DemandProjection.percentiles.firstIndex(of: 90)!
            summary += " (p10 \(ReportText.children(bands[p10][last])), p90 \(ReportText.children(bands[p90][last])), \(simulations) simulations)"
        }
        Console.error(summary)
    }
}
