import AsyncHTTPClient
import Foundation
import HeraldCore
import NIOCore

/// Starts one of the tests' Python servers (next to this file), which prints "READY <port>" once listening.
func startPythonServer(_ script: String, _ arguments: [String]) throws -> (Process, port: Int) {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(script).path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", path] + arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    var line = Data()
    while !line.contains(UInt8(ascii: "\n")) {
        let chunk = output.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        line += chunk
    }
    let text = String(decoding: line, as: UTF8.self)
    guard text.hasPrefix("READY "), let port = Int(text.dropFirst(6).trimmingCharacters(in: .whitespacesAndNewlines)) else {
        process.terminate()
        throw TestInfrastructure.CommandFailed(description: "\(script) did not start: \(text)")
    }
    return (process, port)
}

/// callback_receiver.py: a receiver of delivery-status callbacks, not Herald's, that checks their signatures.
final class CallbackReceiver: Sendable {
    let url: String
    let secret: String
    private let process: Process

    init(secret: String = "receiver-secret-0123456789") throws {
        let (process, port) = try startPythonServer("callback_receiver.py", [secret])
        self.process = process
        self.secret = secret
        url = "http://127.0.0.1:\(port)"
    }

    /// Every attempt so far, oldest first.
    func attempts() async throws -> [JSONValue] {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url + "/received"), timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return try JSONValue.parse(Array(bytes.readableBytesView)).array ?? []
    }

    func stop() {
        kill(process.processIdentifier, SIGKILL)
    }
}
