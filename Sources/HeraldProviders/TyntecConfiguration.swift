import AsyncHTTPClient
import Foundation
import HeraldCore
import NIOCore
import NIOHTTP1

/// Where and how to reach Tyntec's SMS API (v1).
package struct TyntecConfiguration: Sendable, CustomStringConvertible {
    package var baseURL: String
    package var apiKey: String
    /// Connections kept open to the API.
    package var connections: Int
    package var timeout: Duration
    /// `validity` sent with each SMS: how long Tyntec keeps trying to deliver it.
    package var validity: Duration

    package init(baseURL: String, apiKey: String, connections: Int = 32, timeout: Duration = .seconds(10),
                validity: Duration = .seconds(2880 * 60)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.connections = connections
        self.timeout = timeout
        self.validity = validity
    }

    /// Never shows the key.
    package var description: String { baseURL }
}
