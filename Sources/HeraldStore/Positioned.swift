import Foundation
import HeraldCore

/// A row of a newest-first, keyset-paged listing: where it stands in it.
package protocol Positioned {
    var position: ListPosition { get }
}

extension Array where Element: Positioned {
    /// The rows of a listing read with `limit + 1`: the page of `limit`, and where the next page starts (nil on the
    /// last page).
    func page(of limit: Int) -> ([Element], ListPosition?) {
        guard count > limit else { return (self, nil) }
        let page = Array(prefix(limit))
        return (page, page.last?.position)
    }
}
