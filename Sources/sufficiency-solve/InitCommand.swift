import ArgumentParser
import Foundation
import Sufficiency

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Start a scenario for a local authority from DfE's published EHC plan statistics.",
        discussion: """
        sufficiency-solve init --sen2 sen_needs_all_plans.csv --caseload caseload.csv --la Leicestershire --output leics.json
        --sen2 is the need-by-placement file of DfE's "Education, health and care plans" release (sen_needs_all_plans.csv,
        or sen_needs_caseload.csv from 2026); --caseload its caseload file (placements by establishment type over the years),
        which gives today's totals and the growth. --costs FILE (columns type,costPerPlace,transportPerPlace) replaces the
        national costs. Every figure's source and every assumption is written into the scenario's description.
        """)

    @Option(help: "DfE's need-by-placement CSV (sen_needs_all_plans.csv / sen_needs_caseload.csv).") var sen2: String
    @Option(help: "DfE's caseload CSV (placements by establishment type by year).") var caseload: String?
    @Option(help: "The local authority, as la_name spells it.") var la: String
    @Option(help: "Costs a place a year by setting type: CSV type,costPerPlace,transportPerPlace.") var costs: String?
    @Option(help: "Years to plan, from the year after the latest census.") var years: Int = 5
    @Flag(help: "Age groups (primary, secondary, post-16, post-19) from the caseload file's ages.") var ages = false
    @Option(help: "Write the scenario here (atomically) instead of standard output.") var output: String?
    @OptionGroup var input: InputOptions

    func validate() throws {
        guard (1...30).contains(years) else { throw ValidationError("--years must be 1 to 30") }
        guard !la.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--la must name a local authority") }
    }

    func read(_ path: String) throws -> (name: String, bytes: [UInt8]) {
        let result = Result { () throws(ScenarioErrors) -> [UInt8] in try ScenarioDecoder.readFile(path, maxInputBytes: input.maxBytes) }
        switch result {
        case .success(let bytes): return (URL(fileURLWithPath: path).lastPathComponent, bytes)
        case .failure(let error): throw CommandFailure.badInput("\(path): \(error.issues.first?.message ?? "cannot be read")")
        }
    }

    func run() throws {
        if let output { try OutputFile.check(output, kind: .initScenario) }
        var engine = DfEInit(laName: la)
        engine.years = years
        engine.ages = ages
        if let costs {
            let file = try read(costs)
            do { engine.costs = try DfEInit.readCosts(file.bytes, file: file.name) } catch let error as DfEInit.InitError { throw CommandFailure.badInput(error.description) }
            engine.costsSource = file.name
        }
        let result: DfEInit.Result
        do { result = try engine.run(needFile: try read(sen2), caseloadFile: try caseload.map(read)) }
        catch let error as DfEInit.InitError { throw CommandFailure.badInput(error.description) }
        for warning in result.warnings.prefix(20) { Console.error("warning: \(warning)") }
        if result.warnings.count > 20 { Console.error("warning: … and \(result.warnings.count - 20) more suppressed cells, listed in the scenario's metadata.warnings") }
        // What was written must itself be a valid scenario.
        do { _ = try ScenarioDecoder.decode(Array(result.scenarioJSON.utf8)) } catch {
            throw CommandFailure.badInput("internal: the scenario written for \(la) does not validate: \(error.issues.first.map { "\($0)" } ?? "")")
        }
        if let output { try OutputFile.write(result.scenarioJSON, to: output, kind: .initScenario) } else { try StandardStreams.writeOutput(result.scenarioJSON) }
        Console.error("wrote a scenario for \(result.laName): \(ReportText.money(result.totalPlans)) EHC plans, \(ReportText.money(result.placed.values.reduce(0, +))) in school and college placements")
    }
}
