/// What a ``FakeCard`` shows: every property value of every CRTC,
/// connector and plane by name, with each CRTC's MODE_ID replaced by the
/// mode's bytes (blob ids change when a mode is put back; the mode does not).
public struct FakeScreenState: Sendable, Equatable, CustomStringConvertible {
    /// object id → property name → value (MODE_ID left out).
    public var values: [UInt32: [String: UInt64]]
    /// CRTC id → the bytes of its MODE_ID blob, empty when it has no mode.
    public var modes: [UInt32: [UInt8]]

    public var description: String {
        values.keys.sorted().map { object in
            let properties = values[object, default: [:]].sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            let mode = modes[object].map { $0.isEmpty ? " mode=none" : " mode=\($0.count) bytes" } ?? ""
            return "\(object) {\(properties.joined(separator: " "))\(mode)}"
        }.joined(separator: ", ")
    }
}
