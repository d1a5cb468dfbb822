import Foundation

/// The fuzz targets (SPEC §6: every reader fuzzed), shared by the libFuzzer binary under `Fuzz/`
/// and by the regression test that replays every input the fuzzer kept. Each target must return
/// for any bytes: a trap, a crash, an abort or an exit inside is a finding.
package enum FuzzHarness {
    package enum Target: String, CaseIterable, Sendable {
        /// The JSON parser alone.
        case json
        /// The YAML path (libyaml's events into the source tree) alone.
        case yaml
        /// The CSV readers: the bytes as a demand table, a travel table and a witan.send projection.
        case csv
        /// The whole chain on a JSON document: decode, build the model, validate it.
        case decode
        /// Decode, then solve small scenarios with GLPK (simplex, then the MIP if any), verify and report.
        case solve
        /// `init`'s readers: the bytes as DfE's need file (alone, and beside a real caseload
        /// excerpt), as its caseload file, and as a `--costs` file.
        case dfe
        /// `project`'s readers: the bytes as a transitions file (then, when small, the fit, a
        /// projection with simulations and its outputs), a population, a valid-states and a labels
        /// file; and `"demand": {"projection": …}` in witan.send's Output_State shape.
        case records
        /// The edits of `compare --set` and of `serve`: each line of the bytes as `PATH=VALUE`,
        /// applied to a small scenario document, which must then write as JSON and read back to
        /// the same values (what a saved variant holds), and decode when it can.
        case edits
    }

    /// Runs one target on one input.
    package static func run(_ target: Target, _ bytes: [UInt8]) {
        switch target {
        case .json: _ = try? JSONSourceParser.parse(bytes)
        case .yaml:
            if let text = String(validating: bytes, as: UTF8.self) { _ = try? YAMLSourceReader.parse(text) }
        case .csv: csv(bytes)
        case .decode:
            guard let scenario = try? ScenarioDecoder.decode(bytes) else { return }
            guard small(scenario), let model = try? PlacementModel(scenario: scenario) else { return }
            _ = try? model.program.validate()
        case .solve:
            guard let scenario = try? ScenarioDecoder.decode(bytes), small(scenario) else { return }
            var options = SolverOptions()
            options.deadline = ContinuousClock.now.advanced(by: .seconds(2))
            guard let run = try? ScenarioSolver(options: options, compareOptions: .off).run(scenario) else { return }
            _ = ReportText.render(run.report)
            _ = ReportTables.markdown(run.report)
            _ = ReportHTML.render(run.report)
            // The workbook's sheets and the comparison tables (building them, not writing the file).
            _ = ReportWorkbook.workbook(run.report)
            _ = ComparisonFormats.comparisonTables([("a", run.report), ("b", run.report)])
            _ = try? ReportText.json(run.report)
        case .dfe:
            let starter = DfEInit(laName: "Testshire")
            _ = try? starter.run(needFile: ("n.csv", bytes), caseloadFile: nil)
            _ = try? starter.run(needFile: ("n.csv", Array(dfeNeedSeed.utf8)), caseloadFile: ("c.csv", bytes))
            _ = try? DfEInit.readCosts(bytes, file: "costs.csv")
        case .records: records(bytes)
        case .edits: edits(bytes)
        }
    }

    static let editSeed = """
    {"format": "sufficiency/1", "name": "seed", "years": ["y1", "y2"], "needs": ["ASD"], "unmetPenalty": 5000,
     "demand": {"base": {"ASD": 10}, "growth": 0.1},
     "settings": [{"id": "indep", "type": "independent", "serves": "all", "capacity": null, "costPerPlace": 1000}],
     "capitalOptions": [{"id": "A", "newSetting": {"id": "a", "type": "dsp", "serves": "all", "costPerPlace": 200}, "places": 10, "capitalCost": 20000}]}
    """

    private static func edits(_ bytes: [UInt8]) {
        guard let text = String(validating: bytes, as: UTF8.self), var document = try? JSONSourceParser.parse(Array(editSeed.utf8)).root else { return }
        for line in text.split(separator: "\n").prefix(50) {
            guard let edit = try? ScenarioEdit(assignment: String(line)) else { continue }
            try? edit.apply(to: &document)
        }
        let written = document.jsonText()
        guard let again = try? JSONSourceParser.parse(Array(written.utf8)), again.issues.isEmpty, sameValues(again.root, document) else {
            fatalError("the edited document does not read back from its JSON:\n\(written)")
        }
        if let scenario = try? ScenarioDecoder.decode(root: document, issues: [], baseDirectory: nil), small(scenario) { _ = try? PlacementModel(scenario: scenario) }
    }

    /// Two documents with the same values, wherever they were written.
    static func sameValues(_ a: SourceNode, _ b: SourceNode) -> Bool {
        switch (a.value, b.value) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x, _), .number(y, _)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x.count == y.count && zip(x, y).allSatisfy { sameValues($0, $1) }
        case let (.object(x), .object(y)):
            // The parser keeps the last of a repeated key; so does the comparison.
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && sameValues($0.value, $1.value) }
        default: return false
        }
    }

    /// Transitions a fuzzed population, valid-states or labels file is read against.
    static let recordsSeed = """
    calendar-year,setting-1,need-1,academic-year-1,setting-2,need-2,academic-year-2
    2020,ms,ASD,3,ms,ASD,4
    2020,ms,ASD,4,sp,ASD,5
    2020,NONSEND,NONSEND,2,ms,ASD,3
    2021,ms,ASD,4,NONSEND,NONSEND,5

    """

    private static func records(_ bytes: [UInt8]) {
        let labels = (try? RecordLabels.read(bytes, file: "labels.json")) ?? RecordLabels()
        _ = try? TransitionRecords.read(Array(recordsSeed.utf8), file: "t.csv", labels: labels)
        let population = try? PopulationTable.read(bytes, file: "population.csv")
        guard let base = try? TransitionRecords.read(Array(recordsSeed.utf8), file: "t.csv") else { return }
        _ = try? ValidStates.read(bytes, file: "valid.csv", records: base, labels: RecordLabels())
        if let population { _ = try? CohortModel.fit(base, years: base.calendarYears, population: population) }
        _ = try? ScenarioDecoder.decode(Array(#"{"format":"sufficiency/1","name":"f","years":["2026/27","2027/28"],"needs":["ASD","SP-LD"],"unmetPenalty":1000,"ages":[{"id":"p","from":0,"to":6},{"id":"s","from":7,"to":11}],"demand":{"projection":"data.csv","column":"median"},"settings":[{"id":"s","type":"special","serves":"all","capacity":5,"costPerPlace":10}]}"#.utf8),
                                        files: ["data.csv": bytes])
        // The bytes as transitions: read, and when small enough fit, project with simulations and write every output.
        guard let records = try? TransitionRecords.read(bytes, file: "t.csv"), records.rows.count <= 2_000,
              records.needs.count * records.settings.count <= 400,
              var model = try? CohortModel.fit(records, years: records.calendarYears) else { return }
        _ = model.fittedJoinerGrowth
        try? model.apply(.fitted)
        let base0 = records.calendarYears.upperBound + 1
        var options = DemandProjection.Options(censusYears: [base0 + 1, base0 + 2], groups: DemandProjection.defaultGroups(for: model.academicYears))
        options.simulations = 5
        options.futures = [(10, 0.3), (50, 0.4), (90, 0.3)]
        if let projection = try? DemandProjection.run(model, records: records, base: base0, population: nil, options: options) {
            _ = projection.csv()
            _ = projection.fragment()
            _ = projection.methodNote(records: "t.csv", model: model)
        }
        if records.calendarYears.count >= 2,
           let backtest = try? Backtest.run(records, year: records.calendarYears.upperBound, population: nil, valid: nil, priorWeight: 1, simulations: 3, seed: 1) {
            _ = backtest.text(records: "t.csv")
            _ = backtest.csv()
        }
    }

    /// Scenarios whose model stays small enough for thousands of runs a second.
    static func small(_ scenario: Scenario) -> Bool {
        scenario.settings.count * scenario.years.count * max(1, scenario.zones.count) * scenario.needs.count * max(1, scenario.futures.count) <= 5_000
            && scenario.capitalOptions.count <= 8 && scenario.futures.count <= 4
    }

    /// A need file for the caseload target: DfE's header, an "All EHC plans" row and a placement row.
    static let dfeNeedSeed = """
    time_period,time_identifier,geographic_level,la_name,breakdown_topic,breakdown,ehc_plans,number_asd,number_semh
    202425,Academic year,Local authority,Testshire,All EHC plans,All EHC plans,30,10,20
    202425,Academic year,Local authority,Testshire,Type of placement,Special - LA maintained,25,10,15

    """

    /// One scenario per CSV reader, each naming `data.csv` beside it.
    private static let csvScenarios: [String] = [
        #"{"format":"sufficiency/1","name":"f","years":["2026/27","2027/28"],"needs":["ASD","SEMH"],"unmetPenalty":1000,"demand":{"csv":"data.csv"},"settings":[{"id":"s","type":"special","serves":"all","capacity":5,"costPerPlace":10}]}"#,
        #"{"format":"sufficiency/1","name":"f","years":["2026/27"],"needs":["ASD"],"unmetPenalty":1000,"zones":["north","south"],"demand":{"2026/27":{"north":{"ASD":3}}},"settings":[{"id":"dsp-n","type":"dsp","serves":"all","capacity":5,"costPerPlace":10,"zone":"north"}],"travel":{"csv":"data.csv"}}"#,
        #"{"format":"sufficiency/1","name":"f","years":["2026/27","2027/28"],"needs":["ASD","SEMH"],"unmetPenalty":1000,"demand":{"projection":"data.csv","labels":{"needs":{"Autism":"ASD"},"years":{"2026":"2026/27"}}},"settings":[{"id":"s","type":"special","serves":"all","capacity":5,"costPerPlace":10}]}"#,
        #"{"format":"sufficiency/1","name":"f","years":["y1","y2"],"needs":["ASD"],"unmetPenalty":1000,"ages":[{"id":"primary","from":0,"to":6},{"id":"secondary","from":7,"to":11}],"demand":{"csv":"data.csv"},"settings":[{"id":"s","type":"special","serves":"all","ages":["secondary"],"capacity":5,"costPerPlace":10}]}"#,
    ]

    private static func csv(_ bytes: [UInt8]) {
        for scenario in csvScenarios {
            _ = try? ScenarioDecoder.decode(Array(scenario.utf8), files: ["data.csv": bytes])
        }
    }
}
