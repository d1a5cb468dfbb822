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
        }
    }

    /// Scenarios whose model stays small enough for thousands of runs a second.
    static func small(_ scenario: Scenario) -> Bool {
        scenario.settings.count * scenario.years.count * max(1, scenario.zones.count) * scenario.needs.count <= 5_000
            && scenario.capitalOptions.count <= 8
    }

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
