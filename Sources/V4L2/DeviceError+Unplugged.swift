import Platform

extension DeviceError {
    /// ENODEV (swift-system spells it `operationNotSupportedByDevice`): the
    /// device went away, e.g. a USB camera was unplugged or vivid's
    /// `disconnect` control was pressed.
    var meansUnplugged: Bool { errno == .operationNotSupportedByDevice }
}
