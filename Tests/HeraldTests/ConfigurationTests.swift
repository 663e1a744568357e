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

    @Test func amqpClusterURL() throws {
        let configuration = try AMQPConfiguration(
            url: "amqp://herald:secret@mq1:5672/herald, amqp://herald:secret@mq2:5673/herald,mq3")
        #expect(configuration.nodes.map(\.description) == ["mq1:5672", "mq2:5673", "mq3:5672"])
        #expect(configuration.host == "mq1")
        #expect(configuration.node(1).host == "mq2" && configuration.node(1).port == 5673)
        #expect(configuration.node(4).host == "mq2", "the nodes are tried round and round")
        #expect(configuration.node(2).vhost == "herald" && configuration.node(2).password == "secret")
        #expect(configuration.description == "amqp://mq1:5672,mq2:5673,mq3:5672/herald")
    }

    @Test(arguments: [
        "http://localhost", "amqp://", "amqp://host/a/b", "not a url", "amqp://a/x,amqp://b/y", "amqp://u:p@a/x,amqp://v:p@b/x",
        "amqp://a,", "amqp://a,b/x", "amqp://a,u:p@b",
    ])
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
