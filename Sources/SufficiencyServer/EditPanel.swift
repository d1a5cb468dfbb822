import Foundation
import Sufficiency

/// The assumptions the what-if page lets people change (SPEC §9), each a field addressed by the
/// scenario's own key path, so a change is a ``ScenarioEdit`` like `compare --set`'s and a
/// problem the decoder finds lands beside its field (the decoder's issue paths are the same).
public struct EditPanel: Sendable, Codable, Equatable {
    public struct Field: Sendable, Codable, Equatable {
        /// The key path an edit of this field sets: `settings[3].costPerPlace`.
        public var path: String
        public var label: String
        /// `number` or `choice`.
        public var kind: String
        /// The value in the file (or in force by default), a number or a choice.
        public var number: Double?
        public var choice: String?
        public var choices: [String]?
        /// `£`, `share` (0.2 is 20%), `places`, `children` or `×`.
        public var unit: String
        /// The setting type, for fields that a "change every … by %" control moves together.
        public var settingType: String?
        public var min: Double?
        public var max: Double?
    }

    public struct Group: Sendable, Codable, Equatable {
        public var title: String
        public var note: String
        public var fields: [Field]
    }

    public var groups: [Group]

    /// The most settings listed one by one (a generated scenario may have thousands).
    public static let maxSettings = 300

    /// The fields of a scenario: its document (for what the file says) and its decoded form (for
    /// defaults in force, types and names).
    public init(document: SourceNode, scenario: Scenario) {
        func number(_ node: SourceNode?) -> Double? { if case .number(let value, _)? = node?.value { return value }; return nil }
        var groups: [Group] = []

        var demand: [Field] = [
            Field(path: "demandScale", label: "Demand × (every need and year)", kind: "number", number: number(document["demandScale"]) ?? 1, unit: "×", min: 0, max: 1000)
        ]
        if let node = document["demand"], node["base"] != nil {
            demand.append(Field(path: "demand.growth", label: "Demand growth a year", kind: "number", number: number(node["growth"]) ?? 0, unit: "share", min: -1, max: 10))
            if case .object(let members)? = node["growthByNeed"]?.value {
                for member in members { demand.append(Field(path: "demand.growthByNeed.\(member.key)", label: "Growth a year, \(member.key)", kind: "number", number: number(member.value), unit: "share", min: -1, max: 10)) }
            }
        }
        groups.append(Group(title: "Demand", note: "Children with an EHC plan to place; growth compounds from the first year.", fields: demand))

        var costs: [Field] = [], capacities: [Field] = [], leaving: [Field] = []
        if case .array(let settingNodes)? = document["settings"]?.value {
            for (k, node) in settingNodes.enumerated().prefix(Self.maxSettings) where k < scenario.settings.count {
                let setting = scenario.settings[k], type = setting.type.rawValue
                if let cost = number(node["costPerPlace"]) {
                    costs.append(Field(path: "settings[\(k)].costPerPlace", label: "\(setting.name) (\(type))", kind: "number", number: cost, unit: "£", settingType: type, min: 0, max: 10_000_000))
                }
                if case .object(let members)? = node["costByNeed"]?.value {
                    for member in members {
                        costs.append(Field(path: "settings[\(k)].costByNeed.\(member.key)", label: "\(setting.name), \(member.key)", kind: "number", number: number(member.value), unit: "£", settingType: type, min: 0, max: 10_000_000))
                    }
                }
                if let places = number(node["capacity"]) {
                    capacities.append(Field(path: "settings[\(k)].capacity", label: setting.name, kind: "number", number: places, unit: "places", settingType: type, min: 0, max: 10_000_000))
                }
                leaving.append(Field(path: "settings[\(k)].leavingRate", label: setting.name, kind: "number", number: setting.leavingRate, unit: "share", settingType: type, min: 0, max: 1))
            }
        }
        groups.append(Group(title: "Cost per place", note: "£ a child a year at first-year prices; a type's % moves every cost of that type together.", fields: costs))
        groups.append(Group(title: "Capacity", note: "Places in a setting every year (settings with one number in the file).", fields: capacities))
        groups.append(Group(title: "Leaving rate", note: "Share of a setting's children who leave each year (0.2 is 20%).", fields: leaving))

        var money: [Field] = []
        if let penalty = number(document["unmetPenalty"]) {
            money.append(Field(path: "unmetPenalty", label: "Unmet penalty (a child without a place, a year)", kind: "number", number: penalty, unit: "£", min: 1, max: 10_000_000))
        }
        if !scenario.capitalOptions.isEmpty {
            money.append(Field(path: "capital.budget", label: "Capital budget (blank: no limit)", kind: "number", number: number(document["capital"]?["budget"]), unit: "£", min: 0, max: 1e10))
        }
        groups.append(Group(title: "Money", note: "", fields: money))

        if case .array(let optionNodes)? = document["capitalOptions"]?.value {
            var options: [Field] = []
            for (k, node) in optionNodes.enumerated() where k < scenario.capitalOptions.count {
                let option = scenario.capitalOptions[k]
                let current: String = if case .string(let text)? = node["decision"]?.value { text } else { "on" }
                options.append(Field(path: "capitalOptions[\(k)].decision", label: "\(option.name) (£\(ReportText.money(option.capitalCost)), \(ReportText.money(option.places)) places)", kind: "choice",
                                     choice: current, choices: CapitalOption.Decision.allCases.map(\.rawValue), unit: ""))
            }
            groups.append(Group(title: "Capital options", note: "on: the plan decides; off: never built; forced: built in its window, the year chosen by the plan.", fields: options))
        }
        self.groups = groups.filter { !$0.fields.isEmpty }
    }
}
