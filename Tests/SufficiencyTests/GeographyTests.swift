import Foundation
import Testing
@testable import Sufficiency

/// Writes files into a fresh folder and removes it afterwards.
func twoZones(maxMinutes: Double, travel: Any = [["zone": "south", "setting": "dsp-n", "minutes": 50, "cost": 200]]) -> [String: Any] {
    [
        "format": "sufficiency/1", "name": "two zones", "years": ["y1"], "needs": ["ASD"], "unmetPenalty": 1000,
        "zones": ["north", "south"],
        "demand": ["y1": ["north": ["ASD": 5], "south": ["ASD": 5]]],
        "settings": [["id": "dsp-n", "type": "dsp", "zone": "north", "serves": ["ASD"], "capacity": 10, "costPerPlace": 100]],
        "travel": travel,
        "maxTravelMinutes": maxMinutes,
    ]
}

@Suite("Geography and demand files")
struct GeographyTests {
    @Test("a travel limit leaves one zone unmet while the other has spare places")
    func travelLimit() throws {
        let tight = try solve(twoZones(maxMinutes: 40))
        // North fills 5 of 10 places; south cannot reach them: 5 · 100 + 5 · 1,000.
        #expect(abs(tight.report.objective! - 5500) < 1e-9)
        #expect(tight.report.zones.map(\.unmet) == [[0], [5]])
        #expect(tight.report.settings[0].utilisation[0] == 0.5)
        #expect(tight.model.placementCount == 1) // only the north → dsp-n column exists
        let loose = try solve(twoZones(maxMinutes: 60))
        // South reaches it at the journey's own cost of 200: 5 · 100 + 5 · 300.
        #expect(abs(loose.report.objective! - 2000) < 1e-9)
        #expect(loose.report.zones[1].averageMinutes == [50])
        #expect(loose.report.zones[0].averageMinutes == [0])
        #expect(loose.report.zones[1].transportCost == [1000])
        // Per need: a tighter limit for ASD alone has the same effect as the global one.
        let perNeed = try solve(twoZones(maxMinutes: 60).merging(["maxTravelMinutes": ["default": 90, "ASD": 40]]) { $1 })
        #expect(abs(perNeed.report.objective! - 5500) < 1e-9)
    }

    @Test("travel from a CSV file gives the same answer; its errors name file, line and column")
    func travelCSV() throws {
        let folder = try TemporaryFolder()
        try folder.write("travel.csv", "zone,setting,minutes,cost\nsouth,dsp-n,50,200\n")
        let path = try folder.write("s.json", json: twoZones(maxMinutes: 60, travel: ["csv": "travel.csv"]))
        let run = try ScenarioSolver().run(ScenarioDecoder.load(path: path))
        #expect(abs(run.report.objective! - 2000) < 1e-9)

        try folder.write("travel.csv", "zone,setting,minutes,cost\nsouth,dsp-m,50,200\neast,dsp-n,x,\nsouth,dsp-n,,\n\"south\",\"dsp-n\",5,1\n")
        do {
            _ = try ScenarioDecoder.load(path: path)
            Issue.record("accepted")
        } catch {
            let text = error.issues.map(\.description)
            #expect(text.contains("setting \"dsp-m\" is not declared; did you mean \"dsp-n\"? (travel.csv, line 2, column 7)"), "\(text)")
            #expect(text.contains("zone \"east\" is not declared (travel.csv, line 3, column 1)"), "\(text)")
            #expect(text.contains("must be a number, got \"x\" (travel.csv, line 3, column 12)"), "\(text)")
            #expect(text.contains("a journey needs minutes, cost or both (travel.csv, line 4, column 1)"), "\(text)")
        }
        try folder.write("travel.csv", "zone,setting\nsouth,dsp-n\n")
        #expect(throws: ScenarioErrors.self) { try ScenarioDecoder.load(path: path) }
        try folder.write("travel.csv", "zone,setting,minutes\nsouth,\"dsp-n,50\n")
        #expect(loadIssues(path).first?.description == "not valid CSV: a quoted cell is not closed (travel.csv, line 2, column 7)")
        let missing = try folder.write("m.json", json: twoZones(maxMinutes: 60, travel: ["csv": "nope.csv"]))
        let missingIssues = loadIssues(missing)
        #expect(missingIssues.first?.path == "travel.csv")
        #expect(missingIssues.first?.message.contains("file not found") == true)
    }

    @Test("demand from a CSV table and from a witan.send projection")
    func demandFiles() throws {
        let folder = try TemporaryFolder()
        var object = twoZones(maxMinutes: 60)
        object["demand"] = ["csv": "demand.csv"]
        try folder.write("demand.csv", "year,zone,need,children\ny1,north,ASD,3\ny1,north,ASD,2\ny1,south,ASD,5\n")
        let fromCSV = try ScenarioSolver().run(ScenarioDecoder.load(path: folder.write("d.json", json: object)))
        #expect(abs(fromCSV.report.objective! - 2000) < 1e-9)

        object["demand"] = ["projection": "projection.csv", "labels": ["needs": ["Autism": "ASD"], "years": ["2026": "y1"]]]
        try folder.write("projection.csv", """
        calendar-year,academic-year,need,setting,population,zone
        2026,7,Autism,MMSIB,2.5,north
        2026,8,Autism,MMSIB,2.5,north
        2026,7,ASD,MSSSE,5,south
        2027,7,Autism,MMSIB,99,south
        """)
        let fromProjection = try ScenarioSolver().run(ScenarioDecoder.load(path: folder.write("p.json", json: object)))
        #expect(abs(fromProjection.report.objective! - 2000) < 1e-9)

        try folder.write("projection.csv", "calendar-year,academic-year,need,setting,population,zone\n2026,7,Dyslexia,X,1,north\n")
        let projectionIssues = loadIssues(folder.url.appendingPathComponent("p.json").path)
        #expect(projectionIssues.first?.description.contains("need \"Dyslexia\" maps to no declared need") == true, "\(projectionIssues)")
        #expect(projectionIssues.first?.location == Sufficiency.SourceLocation(line: 2, column: 8))
    }

    @Test("generate: valid, identical for the same seed, different for another")
    func generate() throws {
        let generator = ScenarioGenerator(zones: 6, settings: 30, needs: 13, years: 3, options: 5, seed: 42)
        let first = try generator.generate(travelFileName: "g-travel.csv")
        let second = try generator.generate(travelFileName: "g-travel.csv")
        #expect(first.scenarioJSON == second.scenarioJSON)
        #expect(first.travelCSV == second.travelCSV)
        var other = generator
        other.seed = 43
        #expect(try other.generate(travelFileName: "g-travel.csv").scenarioJSON != first.scenarioJSON)
        let folder = try TemporaryFolder()
        try folder.write("g-travel.csv", first.travelCSV)
        let path = try folder.write("g.json", first.scenarioJSON)
        let scenario = try ScenarioDecoder.load(path: path)
        #expect(scenario.zones.count == 6 && scenario.capitalOptions.count == 5 && scenario.years.count == 3)
        #expect(Set(scenario.settings.map(\.type)).count >= 4)
        let run = try ScenarioSolver(options: SolverOptions(mipGap: 0.01)).run(scenario)
        #expect(run.report.status == "optimal")
        #expect(run.report.verification.passed, "\(run.report.verification.summary)")
        #expect(throws: (any Error).self) { try ScenarioGenerator(zones: 0, settings: 1, needs: 1, years: 1, options: 0, seed: 1).generate(travelFileName: "x") }
    }
}
