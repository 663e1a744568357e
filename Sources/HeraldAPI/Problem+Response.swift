import HeraldCore
import HeraldIntake
package import Hummingbird

/// A problem is answered as `application/problem+json`, with its status and headers.
extension Problem: HTTPResponseError {
    package func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json.encoded())))
    }
}
