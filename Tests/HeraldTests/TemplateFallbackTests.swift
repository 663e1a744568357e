import HeraldStore
import Testing

@Suite struct TemplateFallbackTests {
    @Test(arguments: [
        ("pl-PL", ["pl-PL", "pl", ""]),
        ("en_GB", ["en_GB", "en", ""]),
        ("de", ["de", ""]),
        ("", [""]),
    ])
    func localeFallbacks(_ locale: String, expected: [String]) {
        #expect(Template.fallbacks(for: locale) == expected)
    }
}
