import HeraldBus
import HeraldStore
import Testing

@Suite struct ConfigurationTests {
    @Test func amqpURL() throws {
        let configuration = try AMQPConfiguration(url: "amqp://user:p%40ss@broker.internal:5673/my%2Fvhost")
        #expect(configuration.host == "broker.internal")
        #expect(configuration.port == 5673)
        #expect(configuration.user == "user")
        #expect(configuration.password == "p@ss")
        #expect(configuration.vhost == "my/vhost")
        #expect(!configuration.description.contains("p@ss"))
        #expect(try AMQPConfiguration(url: "amqp://localhost").vhost == "/")
    }

    @Test(arguments: ["http://localhost", "amqp://", "amqp://host/a/b", "not a url"])
    func badAMQPURL(_ url: String) {
        #expect(throws: BusError.self) { try AMQPConfiguration(url: url) }
    }

    @Test func databaseURL() throws {
        let configuration = try DatabaseConfiguration(url: "postgres://herald:secret@db:5433/herald?sslmode=require")
        #expect(configuration.host == "db")
        #expect(configuration.port == 5433)
        #expect(configuration.database == "herald")
        #expect(configuration.tls == .require)
        #expect(!configuration.description.contains("secret"))
    }

    @Test(arguments: ["mysql://u@h/d", "postgres://u@h", "postgres://h/d", "postgres://u@h/d?sslmode=maybe", "postgres://u@h/d?x=1"])
    func badDatabaseURL(_ url: String) {
        #expect(throws: DatabaseConfiguration.InvalidURL.self) { try DatabaseConfiguration(url: url) }
    }
}
