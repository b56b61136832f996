import Platform
import Reporting
import XCTest

final class ExitStatusTests: XCTestCase {
    func testCodesAreDistinctAndDocumented() {
        let codes = ExitStatus.allCases.map(\.rawValue)
        XCTAssertEqual(Set(codes).count, codes.count)
        for status in ExitStatus.allCases { XCTAssertFalse(status.meaning.isEmpty) }
    }

    /// Every kind of library error ends the command with its own documented
    /// status, the sysexits(3) value scripts already know.
    func testEachErrorCategoryHasItsOwnStatus() {
        let statuses = ErrorCategory.allCases.map(ExitStatus.init)
        XCTAssertEqual(Set(statuses.map(\.rawValue)).count, ErrorCategory.allCases.count)
        XCTAssertEqual(ExitStatus(.invalidRequest), .dataError)
        XCTAssertEqual(ExitStatus(.notFound), .noInput)
        XCTAssertEqual(ExitStatus(.unavailable), .unavailable)
        XCTAssertEqual(ExitStatus(.internalError), .software)
        XCTAssertEqual(ExitStatus(.deviceFailed), .ioError)
        XCTAssertEqual(ExitStatus(.permissionDenied), .noPermission)
        XCTAssertEqual(ExitStatus(.other), .failure)
        XCTAssertFalse(statuses.contains(.success), "an error never ends in success")
    }
}
