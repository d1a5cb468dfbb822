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
        }
    }

    /// Scenarios whose model stays small enough for thousands of runs a second.
    static func small(_ scenario: Scenario) -> Bool {
        scenario.settings.count * scenario.years.count * max(1, scenario.zones.count) * scenario.needs.count <= 5_000
            && scenario.capitalOptions.count <= 8
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
