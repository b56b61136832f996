import Foundation
import XCTest

@testable import framepipe

/// `preview --snapshot`'s folder check takes the folder of a path as
/// NSString's `deletingLastPathComponent` did.
final class FolderOfTests: XCTestCase {
    func testMatchesNSString() {
        for path in ["shot.png", "/shot.png", "out/shot.png", "/tmp/out/shot.png", "out//shot.png", "out/shot/", "/", "",
                     "//shot.png", "./shot.png", "../a/b.png", "a/b//", "/a"] {
            XCTAssertEqual(Preview.folderOf(path), (path as NSString).deletingLastPathComponent, path)
        }
    }
}
