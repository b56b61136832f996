import Platform

/// A rate (frames per second, hertz) to two decimals without trailing
/// zeros, as plan lines and `list` print it: 60.004 is "60", 59.94 is
/// "59.94", 12.5 is "12.5".
package func rateLabel(_ rate: Double) -> String {
    var text = NumberText.fixed(rate, 2)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text
}
