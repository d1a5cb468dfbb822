import Foundation
import Testing
@testable import Sufficiency

/// A valid scenario as a dictionary, mutated per test into one broken by exactly one rule.
func baseScenario() -> [String: Any] {
    [
        "format": "sufficiency/1",
        "name": "test",
        "years": ["2026/27", "2027/28"],
        "needs": ["ASD", "SEMH", "PMLD"],
        "unmetPenalty": 100000,
        "demand": ["2026/27": ["ASD": 10, "SEMH": 5], "2027/28": ["ASD": 12, "SEMH": 6, "PMLD": 1]],
        "settings": [
            ["id": "ms", "type": "mainstream", "serves": ["ASD", "SEMH"], "capacity": 20, "costPerPlace": 8000],
            ["id": "sp", "type": "special", "serves": "all", "capacity": ["2026/27": 5, "2027/28": 6], "costPerPlace": 25000,
             "capacityByNeed": ["PMLD": 2]],
            ["id": "indep", "type": "independent", "serves": "all", "capacity": NSNull(), "costPerPlace": 60000],
        ],
        "incumbents": [["setting": "indep", "need": "ASD", "children": 2]],
        "policies": [["type": "independent", "maxShare": 0.5]],
        "capitalOptions": [
            ["id": "dsp-new", "newSetting": ["id": "dsp", "type": "dsp", "serves": ["ASD"], "costPerPlace": 19000],
             "places": 10, "capitalCost": 300000, "earliestYear": "2027/28"],
            ["id": "sp-exp", "expands": "sp", "places": 5, "capitalCost": 500000],
        ],
        "capital": ["budget": 1000000, "accounting": "upfront"],
        "finance": ["grant": 1000000, "otherSpend": ["2026/27": 100000], "broughtForwardDeficit": 50000],
    ]
}

func encode(_ object: [String: Any]) -> [UInt8] {
    [UInt8](try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
}

/// The issues reported for `bytes`, or [] when it decodes.
func issues(_ bytes: [UInt8], syntax: ScenarioDecoder.SyntaxKind = .json) -> [ScenarioIssue] {
    do {
        _ = try ScenarioDecoder.decode(bytes, syntax: syntax)
        return []
    } catch {
        return error.issues
    }
}

/// One rule of SPEC §2 / §6, broken.
struct BrokenRule: Sendable, CustomTestStringConvertible {
    let name: String
    let path: String
    let message: String
    let mutate: @Sendable (inout [String: Any]) -> Void
    var testDescription: String { name }
}

extension Dictionary where Key == String, Value == Any {
    /// Mutates an element of a list under `key`.
    mutating func edit(_ key: String, _ index: Int, _ change: (inout [String: Any]) -> Void) {
        var list = self[key] as! [[String: Any]]
        change(&list[index])
        self[key] = list
    }
}

let brokenRules: [BrokenRule] = [
    BrokenRule(name: "wrong format", path: "format", message: "must be \"sufficiency/1\"") { $0["format"] = "sufficiency/2" },
    BrokenRule(name: "missing name", path: "name", message: "is required") { $0["name"] = nil },
    BrokenRule(name: "unknown top-level key", path: "setings", message: "did you mean \"settings\"") { $0["setings"] = [] },
    BrokenRule(name: "empty horizon", path: "years", message: "at least one year") { $0["years"] = [] },
    BrokenRule(name: "year twice", path: "years[1]", message: "declared twice") { $0["years"] = ["2026/27", "2026/27"] },
    BrokenRule(name: "needs not a list", path: "needs", message: "must be a list") { $0["needs"] = "ASD" },
    BrokenRule(name: "zero penalty", path: "unmetPenalty", message: "must be > 0, got 0") { $0["unmetPenalty"] = 0 },
    BrokenRule(name: "penalty map misses a need", path: "unmetPenalty", message: "missing PMLD") { $0["unmetPenalty"] = ["ASD": 1, "SEMH": 2] },
    BrokenRule(name: "absurd penalty", path: "unmetPenalty", message: "at most 10000000") { $0["unmetPenalty"] = 2e7 },
    BrokenRule(name: "negative discount rate", path: "discountRate", message: "must be ≥ 0") { $0["discountRate"] = -0.1 },
    BrokenRule(name: "inflation -1", path: "inflation", message: "must be > -1") { $0["inflation"] = -1 },
    BrokenRule(name: "demand table misses a year", path: "demand", message: "missing 2027/28") { $0["demand"] = ["2026/27": ["ASD": 1]] },
    BrokenRule(name: "demand names an unknown need", path: "demand.2026/27.ADS", message: "need \"ADS\" is not declared; did you mean \"ASD\"?") {
        $0["demand"] = ["2026/27": ["ADS": 1], "2027/28": [:] as [String: Any]]
    },
    BrokenRule(name: "negative demand", path: "demand.2026/27.ASD", message: "must be ≥ 0, got -3") { $0["demand"] = ["2026/27": ["ASD": -3], "2027/28": [:] as [String: Any]] },
    BrokenRule(name: "absurd demand", path: "demand.2027/28.ASD", message: "10 million children") { $0["demand"] = ["2026/27": [:] as [String: Any], "2027/28": ["ASD": 2e7]] },
    BrokenRule(name: "growth of -100%", path: "demand.growth", message: "must be > -1") { $0["demand"] = ["base": ["ASD": 1], "growth": -1] },
    BrokenRule(name: "unknown key in demand", path: "demand.grwoth", message: "did you mean \"growth\"") { $0["demand"] = ["base": ["ASD": 1], "grwoth": 0.1] },
    BrokenRule(name: "no settings", path: "settings", message: "at least one setting") { $0["settings"] = [] as [Any] },
    BrokenRule(name: "setting id twice", path: "settings[1].id", message: "id \"ms\" is used twice") { $0.edit("settings", 1) { $0["id"] = "ms" } },
    BrokenRule(name: "unknown setting type", path: "settings[0].type", message: "did you mean \"special\"") { $0.edit("settings", 0) { $0["type"] = "specal" } },
    BrokenRule(name: "serves an unknown need", path: "settings[0].serves[1]", message: "need \"XYZ\" is not declared") { $0.edit("settings", 0) { $0["serves"] = ["ASD", "XYZ"] } },
    BrokenRule(name: "negative capacity", path: "settings[0].capacity", message: "must be ≥ 0, got -5") { $0.edit("settings", 0) { $0["capacity"] = -5 } },
    BrokenRule(name: "capacity missing", path: "settings[0].capacity", message: "is required") { $0.edit("settings", 0) { $0["capacity"] = nil } },
    BrokenRule(name: "capacity map misses an open year", path: "settings[1].capacity", message: "missing 2027/28") { $0.edit("settings", 1) { $0["capacity"] = ["2026/27": 5] } },
    BrokenRule(name: "absurd cost", path: "settings[2].costPerPlace", message: "£10 million a place") { $0.edit("settings", 2) { $0["costPerPlace"] = 2e7 } },
    BrokenRule(name: "cost by unknown need", path: "settings[2].costByNeed.HI", message: "need \"HI\" is not declared") { $0.edit("settings", 2) { $0["costByNeed"] = ["HI": 1] } },
    BrokenRule(name: "leaving rate above 1", path: "settings[0].leavingRate", message: "at most 1") { $0.edit("settings", 0) { $0["leavingRate"] = 1.5 } },
    BrokenRule(name: "opens in an unknown year", path: "settings[0].opensYear", message: "year \"2030/31\" is not declared") { $0.edit("settings", 0) { $0["opensYear"] = "2030/31" } },
    BrokenRule(name: "closes before it opens", path: "settings[0].closesYear", message: "must be later than opensYear") {
        $0.edit("settings", 0) { $0["opensYear"] = "2027/28"; $0["closesYear"] = "2026/27" }
    },
    BrokenRule(name: "capacityByNeed for a need not served", path: "settings[0].capacityByNeed.PMLD", message: "does not serve") { $0.edit("settings", 0) { $0["capacityByNeed"] = ["PMLD": 1] } },
    BrokenRule(name: "unknown key in a setting", path: "settings[0].costPerplace", message: "did you mean \"costPerPlace\"") { $0.edit("settings", 0) { $0["costPerplace"] = 1 } },
    BrokenRule(name: "incumbent in an unknown setting", path: "incumbents[0].setting", message: "setting \"indie\" is not declared; did you mean \"indep\"?") { $0.edit("incumbents", 0) { $0["setting"] = "indie" } },
    BrokenRule(name: "incumbent need not served", path: "incumbents[0].need", message: "does not serve PMLD") { $0.edit("incumbents", 0) { $0["setting"] = "ms"; $0["need"] = "PMLD" } },
    BrokenRule(name: "incumbent in a setting not open in the first year", path: "incumbents[0].setting", message: "not open in the first year") {
        $0.edit("settings", 0) { $0["opensYear"] = "2027/28"; $0["capacity"] = ["2027/28": 20] }
        $0.edit("incumbents", 0) { $0["setting"] = "ms" }
    },
    BrokenRule(name: "negative incumbents", path: "incumbents[0].children", message: "must be ≥ 0") { $0.edit("incumbents", 0) { $0["children"] = -1 } },
    BrokenRule(name: "policy with type and settings", path: "policies[0]", message: "exactly one of \"type\" and \"settings\"") { $0.edit("policies", 0) { $0["settings"] = ["ms"] } },
    BrokenRule(name: "policy with no bound", path: "policies[0]", message: "at least one of maxShare") { $0.edit("policies", 0) { $0["maxShare"] = nil } },
    BrokenRule(name: "policy share above 1", path: "policies[0].maxShare", message: "at most 1") { $0.edit("policies", 0) { $0["maxShare"] = 1.2 } },
    BrokenRule(name: "policy names an unknown setting", path: "policies[0].settings[0]", message: "setting \"nope\" is not declared") {
        $0.edit("policies", 0) { $0["type"] = nil; $0["settings"] = ["nope"] }
    },
    BrokenRule(name: "option with expands and newSetting", path: "capitalOptions[1]", message: "exactly one of \"expands\"") {
        $0.edit("capitalOptions", 1) { $0["newSetting"] = ["id": "x", "type": "dsp", "serves": "all", "costPerPlace": 1] }
    },
    BrokenRule(name: "new setting with capacity", path: "capitalOptions[0].newSetting.capacity", message: "takes its capacity and opening year from its option") {
        $0.edit("capitalOptions", 0) { var s = $0["newSetting"] as! [String: Any]; s["capacity"] = 10; $0["newSetting"] = s }
    },
    BrokenRule(name: "option expands an unknown setting", path: "capitalOptions[1].expands", message: "setting \"spx\" is not declared") { $0.edit("capitalOptions", 1) { $0["expands"] = "spx" } },
    BrokenRule(name: "option excludes an unknown option", path: "capitalOptions[0].excludes[0]", message: "option \"nope\" is not declared") { $0.edit("capitalOptions", 0) { $0["excludes"] = ["nope"] } },
    BrokenRule(name: "cycle in requires", path: "capitalOptions[1].requires", message: "cycle: dsp-new → sp-exp → dsp-new") {
        $0.edit("capitalOptions", 0) { $0["requires"] = ["sp-exp"] }
        $0.edit("capitalOptions", 1) { $0["requires"] = ["dsp-new"] }
    },
    BrokenRule(name: "latest year before earliest", path: "capitalOptions[0].latestYear", message: "is before earliestYear") { $0.edit("capitalOptions", 0) { $0["latestYear"] = "2026/27" } },
    BrokenRule(name: "zero places", path: "capitalOptions[0].places", message: "must be > 0") { $0.edit("capitalOptions", 0) { $0["places"] = 0 } },
    BrokenRule(name: "absurd capital cost", path: "capitalOptions[0].capitalCost", message: "£10 billion") { $0.edit("capitalOptions", 0) { $0["capitalCost"] = 2e10 } },
    BrokenRule(name: "option id twice", path: "capitalOptions[1].id", message: "used twice") { $0.edit("capitalOptions", 1) { $0["id"] = "dsp-new" } },
    BrokenRule(name: "new setting id clashes", path: "capitalOptions[0].newSetting.id", message: "id \"ms\" is used twice") {
        $0.edit("capitalOptions", 0) { var s = $0["newSetting"] as! [String: Any]; s["id"] = "ms"; $0["newSetting"] = s }
    },
    BrokenRule(name: "unknown accounting", path: "capital.accounting", message: "\"upfront\" or \"annualised\"") { $0["capital"] = ["accounting": "annualized"] },
    BrokenRule(name: "asset life 0", path: "capital.assetLifeYears", message: "must be ≥ 1") { $0["capital"] = ["assetLifeYears": 0] },
    BrokenRule(name: "fractional asset life", path: "capital.assetLifeYears", message: "whole number") { $0["capital"] = ["assetLifeYears": 2.5] },
    BrokenRule(name: "negative grant", path: "finance.grant.2026/27", message: "must be ≥ 0") { $0["finance"] = ["grant": ["2026/27": -1]] },
    BrokenRule(name: "unknown finance key", path: "finance.deficit", message: "unknown key") { $0["finance"] = ["deficit": 1] },
    BrokenRule(name: "travel without zones", path: "travel", message: "needs \"zones\"") { $0["travel"] = [["zone": "a", "setting": "ms", "minutes": 5]] },
    BrokenRule(name: "setting zone without zones", path: "settings[0].zone", message: "declares no zones") { $0.edit("settings", 0) { $0["zone"] = "north" } },
    BrokenRule(name: "wrong type of value", path: "settings[0].costPerPlace", message: "must be a number, got text") { $0.edit("settings", 0) { $0["costPerPlace"] = "8000" } },
    BrokenRule(name: "defaults leaving rate for an unknown type", path: "defaults.leavingRate.school", message: "not a setting type") { $0["defaults"] = ["leavingRate": ["school": 0.1]] },
]

@Suite("Scenario decoding")
struct ScenarioDecoderTests {
    @Test("the base scenario decodes")
    func baseDecodes() throws {
        let scenario = try ScenarioDecoder.decode(encode(baseScenario()))
        #expect(scenario.years == ["2026/27", "2027/28"])
        #expect(scenario.settings.map(\.id) == ["ms", "sp", "indep", "dsp"])
        #expect(scenario.settings[3].createdByOption == 0)
        #expect(scenario.settings[3].opensYear == 1)
        #expect(scenario.settings[2].capacity == [nil, nil])
        #expect(scenario.settings[1].capacity == [5, 6])
        #expect(scenario.demand(year: 1, zone: 0, need: 2) == 1)
        #expect(scenario.demand(year: 0, zone: 0, need: 2) == 0)
        #expect(scenario.finance.otherSpend == [100000, 0])
        #expect(scenario.finance.grant == [1000000, 1000000])
        #expect(scenario.policies[0].settings == [2])
        #expect(scenario.settings[0].leavingRate == 0.2)
    }

    @Test("each broken rule is reported with its path and message", arguments: brokenRules)
    func brokenRule(_ rule: BrokenRule) {
        var object = baseScenario()
        rule.mutate(&object)
        let found = issues(encode(object))
        #expect(!found.isEmpty, "\(rule.name): accepted")
        let match = found.first { $0.path == rule.path && $0.message.contains(rule.message) }
        #expect(match != nil, "\(rule.name): got \(found.map(\.description))")
        #expect(match?.location != nil, "\(rule.name): no line and column")
    }

    @Test("every problem is reported at once, in file order")
    func allAtOnce() {
        var object = baseScenario()
        object["discountRate"] = -1
        object.edit("settings", 0) { $0["capacity"] = -5 }
        object.edit("settings", 2) { $0["costPerPlace"] = -1 }
        object["bogus"] = 1
        let found = issues(encode(object))
        #expect(found.count == 4, "\(found)")
        #expect(found.map(\.location!) == found.map(\.location!).sorted())
    }

    @Test("the message reads as SPEC §6 shows it")
    func messageShape() throws {
        let text = """
        {"format": "sufficiency/1", "name": "x", "years": ["y1"], "needs": ["A"], "unmetPenalty": 1,
         "demand": {"y1": {"A": 1}},
         "settings": [{"id": "s", "type": "special", "serves": "all", "capacity": -5, "costPerPlace": 1}]}
        """
        let found = issues(Array(text.utf8))
        #expect(found.map(\.description) == ["settings[0].capacity: must be ≥ 0, got -5 (line 3, column 75)"])
    }

    @Test("syntax problems: truncated, NaN, huge numbers, duplicate keys, empty, garbage, too deep")
    func syntax() throws {
        let valid = String(decoding: encode(baseScenario()), as: UTF8.self)
        let truncated = issues(Array(valid.utf8.prefix(valid.utf8.count / 2)))
        #expect(truncated.count == 1 && truncated[0].message.contains("not valid JSON"))
        let nan = issues(Array(valid.replacingOccurrences(of: "\"unmetPenalty\":100000", with: "\"unmetPenalty\":NaN").utf8))
        #expect(nan.first?.message.contains("NaN and Infinity are not numbers") == true, "\(nan)")
        let huge = issues(Array(valid.replacingOccurrences(of: "\"unmetPenalty\":100000", with: "\"unmetPenalty\":1e400").utf8))
        #expect(huge.first?.message == "must be a finite number, got 1e400", "\(huge)")
        let duplicate = issues(Array(valid.replacingOccurrences(of: "\"unmetPenalty\":100000", with: "\"unmetPenalty\":1,\"unmetPenalty\":2").utf8))
        #expect(duplicate.contains { $0.path == "unmetPenalty" && $0.message.contains("appears twice") }, "\(duplicate)")
        #expect(issues([]).first?.message == "the file is empty")
        #expect(issues(Array("   \n ".utf8)).first?.message == "the file is empty")
        let garbage = issues([0x00, 0xFF, 0x13, 0x80, 0x7B])
        #expect(garbage.count == 1 && garbage[0].message.contains("not valid JSON"))
        let deep = String(repeating: "[", count: 70) + String(repeating: "]", count: 70)
        #expect(issues(Array(deep.utf8)).first?.message.contains("nested deeper than 64") == true)
        let notObject = issues(Array("[1, 2]".utf8))
        #expect(notObject.first?.message == "must be an object, got a list")
        let badUTF8 = issues(Array("{\"name\": \"".utf8) + [0xC3, 0x28] + Array("\"}".utf8))
        #expect(badUTF8.first?.message.contains("UTF-8") == true)
    }

    @Test("metadata may hold anything; description may be empty")
    func metadata() throws {
        var object = baseScenario()
        object["metadata"] = ["anything": ["goes": [1, 2, 3]], "sourceFile": "x.xlsx"]
        object["description"] = ""
        #expect(issues(encode(object)).isEmpty)
    }

    @Test("files: missing, a folder, too large")
    func files() throws {
        #expect(throws: ScenarioErrors.self) { try ScenarioDecoder.load(path: "/nonexistent/scenario.json") }
        #expect(loadIssues(NSTemporaryDirectory()).first?.message.contains("is a folder") == true)
        let path = NSTemporaryDirectory() + "sufficiency-large-\(UUID()).json"
        try Data(encode(baseScenario())).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(loadIssues(path, maxInputBytes: 100).first?.message.contains("larger than the limit of 100 bytes") == true)
        #expect(try ScenarioDecoder.load(path: path).name == "test")
    }

    @Test("YAML with the same structure decodes to the same scenario")
    func yaml() throws {
        let yaml = """
        format: sufficiency/1
        name: test
        years: [2026/27, 2027/28]
        needs: [ASD, SEMH, PMLD]
        unmetPenalty: 100000
        demand:
          2026/27: {ASD: 10, SEMH: 5}
          2027/28: {ASD: 12, SEMH: 6, PMLD: 1}
        settings:
          - {id: ms, type: mainstream, serves: [ASD, SEMH], capacity: 20, costPerPlace: 8000}
          - id: sp
            type: special
            serves: all
            capacity: {2026/27: 5, 2027/28: 6}
            costPerPlace: 25000
            capacityByNeed: {PMLD: 2}
          - {id: indep, type: independent, serves: all, capacity: null, costPerPlace: 60000}
        incumbents: [{setting: indep, need: ASD, children: 2}]
        policies: [{type: independent, maxShare: 0.5}]
        capitalOptions:
          - id: dsp-new
            newSetting: {id: dsp, type: dsp, serves: [ASD], costPerPlace: 19000}
            places: 10
            capitalCost: 300000
            earliestYear: 2027/28
          - {id: sp-exp, expands: sp, places: 5, capitalCost: 500000}
        capital: {budget: 1000000, accounting: upfront}
        finance: {grant: 1000000, otherSpend: {2026/27: 100000}, broughtForwardDeficit: 50000}
        """
        let fromYAML = try ScenarioDecoder.decode(Array(yaml.utf8), syntax: .yaml)
        let fromJSON = try ScenarioDecoder.decode(encode(baseScenario()))
        #expect(fromYAML == fromJSON)
        let broken = issues(Array(yaml.replacingOccurrences(of: "capacity: 20", with: "capacity: -20").utf8), syntax: .yaml)
        #expect(broken.map(\.path) == ["settings[0].capacity"])
        #expect(broken.first?.location?.line == 10)
        let duplicate = issues(Array((yaml + "\nname: again").utf8), syntax: .yaml)
        #expect(duplicate.contains { $0.message.contains("appears twice") || $0.message.contains("duplicated key") }, "\(duplicate)")
        #expect(!issues(Array("name: [unclosed".utf8), syntax: .yaml).isEmpty)
    }

    @Test("base + growth: D = base · (1 + g)^t, growthByNeed overrides, no rounding")
    func growth() throws {
        var object = baseScenario()
        object["demand"] = ["base": ["ASD": 100, "SEMH": 10], "growth": 0.1, "growthByNeed": ["SEMH": -0.5]]
        let scenario = try ScenarioDecoder.decode(encode(object))
        #expect(abs(scenario.demand(year: 1, zone: 0, need: 0) - 110) < 1e-12)
        #expect(abs(scenario.demand(year: 1, zone: 0, need: 1) - 5) < 1e-12)
        #expect(scenario.demand(year: 1, zone: 0, need: 2) == 0)
    }

    @Test("incumbents for the same setting and need add up")
    func incumbentsMerge() throws {
        var object = baseScenario()
        object["incumbents"] = [["setting": "indep", "need": "ASD", "children": 2], ["setting": "indep", "need": "ASD", "children": 3]]
        let scenario = try ScenarioDecoder.decode(encode(object))
        #expect(scenario.incumbents == [Incumbent(setting: 2, need: 0, zone: 0, children: 5)])
    }
}

@Suite("Scenario issues are typed")
struct ScenarioIssueKindTests {
    /// One problem of each kind in one file; every kind is reported, with its path.
    @Test("each problem carries its kind and path")
    func kinds() throws {
        var object = baseScenario()
        object["discountRate"] = "high"                                   // wrong type
        object["inflaton"] = 0.02                                         // unknown key (typo)
        object.edit("settings", 0) { $0["capacity"] = -5 }                // out of range
        object.edit("settings", 1) { $0["costPerPlace"] = 2e7 }           // above a limit
        object.edit("settings", 2) { $0["id"] = "ms" }                    // duplicate id
        object["incumbents"] = [["setting": "nowhere", "need": "ASD", "children": 2]] // unknown reference
        var kinds: [String: ScenarioIssue.Kind] = [:]
        do {
            _ = try ScenarioDecoder.decode(encode(object))
            Issue.record("a broken scenario decoded")
        } catch {
            for issue in error.issues { kinds[issue.path] = issue.kind }
        }
        #expect(kinds["discountRate"] == .wrongType)
        #expect(kinds["inflaton"] == .unknownKey)
        #expect(kinds["settings[0].capacity"] == .outOfRange)
        #expect(kinds["settings[1].costPerPlace"] == .limit)
        #expect(kinds["settings[2].id"] == .duplicate)
        #expect(kinds["incumbents[0].setting"] == .unknownReference)
        let syntax = issues(Array("{ not json".utf8)).first?.kind
        #expect(syntax == .syntax)
    }
}
