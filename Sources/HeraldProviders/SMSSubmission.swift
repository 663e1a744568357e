import AsyncHTTPClient
import Foundation
import HeraldCore
import NIOCore
import NIOHTTP1

/// One SMS for Tyntec.
package struct SMSSubmission: Sendable {
    package var to: String
    package var from: String
    package var message: String
    /// Our message id, echoed in Tyntec's delivery reports.
    package var reference: String
    /// Where Tyntec pushes the SMS's delivery reports (POST), if anywhere.
    package var callbackURL: String?

    package init(to: String, from: String, message: String, reference: String, callbackURL: String? = nil) {
        self.to = to
        self.from = from
        self.message = message
        self.reference = reference
        self.callbackURL = callbackURL
    }
}
