/// How frames reach the display.
public enum SchedulingPolicy: String, Sendable, Equatable, Codable, CaseIterable {
    /// Show the newest frame at each vblank; drop older ready frames.
    case mailbox

    /// Decodes the policy's name; anything else is an error listing the names
    /// there are.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = SchedulingPolicy(rawValue: text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "expected one of \(Self.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")), got \"\(text)\""))
        }
        self = value
    }
}
