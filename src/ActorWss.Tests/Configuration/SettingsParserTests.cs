using ActorWss.Configuration;
using ActorWss.Routing;
using Akka.Configuration;

namespace ActorWss.Tests.Configuration;

/// <summary>
/// <see cref="SettingsParser"/>: the reference defaults, overrides on top of them, and errors that name the full key,
/// the value found and what is allowed.
/// </summary>
public class SettingsParserTests
{
    private static ServerSettings Parse(string hocon) => SettingsParser.Parse(ConfigurationFactory.ParseString(hocon));

    private static InvalidConfigurationException Invalid(string hocon) =>
        Assert.Throws<InvalidConfigurationException>(() => Parse(hocon));

    /// <summary>The basic fields of a listener (TLS and the rest are other tests' business).</summary>
    private static (string Name, string Host, int Port, int Backlog, int MaxConnections) Basics(ListenerSettings listener) =>
        (listener.Name, listener.Host, listener.Port, listener.Backlog, listener.MaxConnections);

    // ---- Defaults ----

    [Fact]
    public void An_empty_config_gives_the_reference_defaults()
    {
        var settings = SettingsParser.Parse(ConfigurationFactory.Empty);

        var listener = Assert.Single(settings.Listeners);
        Assert.Equal(("ws", "127.0.0.1", 9090, 1024, 10_000), Basics(listener));
        Assert.Null(listener.Tls);
        Assert.Equal("ws", listener.Scheme);

        Assert.Equal(TimeSpan.FromSeconds(10), settings.Http.HandshakeTimeout);
        Assert.Equal(8 * 1024, settings.Http.MaxHeadBytes);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.Http.LingerTimeout);
        Assert.Empty(settings.Http.AllowedOrigins);

        Assert.Equal(16L * 1024 * 1024, settings.WebSocket.MaxMessageSize);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.WebSocket.CloseTimeout);
        Assert.Null(settings.WebSocket.IdleTimeout);
        Assert.Null(settings.WebSocket.KeepAliveInterval);
        Assert.Empty(settings.WebSocket.Subprotocols);

        Assert.Equal(new TransportSettings(TransportKind.Auto, 64 * 1024, 8 * 1024, TimeSpan.FromSeconds(60), CorkWrites: true), settings.Transport);
        var echo = Assert.Single(settings.Routes);
        Assert.Equal(new RouteSettings("echo", "/", "echo", "none", null, null, 256, OverflowPolicy.Close1013), echo);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.DrainTimeout);
    }

    [Fact]
    public void Corked_writes_can_be_turned_off()
    {
        var settings = SettingsParser.Parse(ConfigurationFactory.ParseString("actorwss.transport.cork-writes = off"));

        Assert.False(settings.Transport.CorkWrites);
    }

    [Fact]
    public void The_reference_defaults_match_the_settings_defaults_in_code()
    {
        var settings = SettingsParser.Parse(ConfigurationFactory.Empty);

        Assert.Equal(HttpSettings.Default with { AllowedOrigins = settings.Http.AllowedOrigins }, settings.Http);
        Assert.Equal(WebSocketSettings.Default with { Subprotocols = settings.WebSocket.Subprotocols }, settings.WebSocket);
        Assert.Equal(TransportSettings.Default, settings.Transport);
    }

    [Fact]
    public void The_process_keeps_two_malloc_arenas_unless_configured()
    {
        Assert.Equal(2, SettingsParser.Parse(ConfigurationFactory.Empty).MallocArenaMax);
        Assert.Equal(0, Parse("actorwss.process.malloc-arena-max = 0").MallocArenaMax);
        Assert.Equal(8, Parse("actorwss.process.malloc-arena-max = 8").MallocArenaMax);
    }

    [Fact]
    public void The_reference_config_is_embedded()
    {
        Assert.Equal(9090, SettingsParser.Reference.GetInt("actorwss.listeners.ws.port"));
    }

    // ---- Overrides ----

    [Fact]
    public void Values_given_override_the_defaults_and_the_rest_keep_them()
    {
        var settings = Parse("""
            actorwss {
              listeners.ws.port = 0
              listeners.ws.host = "0.0.0.0"
              http.max-header-size = 16KiB
              http.allowed-origins = ["https://app.example", " "]
              websocket.max-message-size = 1MiB
              websocket.subprotocols = [chat, "v2.chat"]
              websocket.close-timeout = 1500ms
              shutdown.drain-timeout = 2m
            }
            """);

        Assert.Equal(("ws", "0.0.0.0", 0, 1024, 10_000), Basics(Assert.Single(settings.Listeners)));
        Assert.Equal(16 * 1024, settings.Http.MaxHeadBytes);
        Assert.Equal(["https://app.example"], settings.Http.AllowedOrigins);
        Assert.Equal(1024L * 1024, settings.WebSocket.MaxMessageSize);
        Assert.Equal(["chat", "v2.chat"], settings.WebSocket.Subprotocols);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), settings.WebSocket.CloseTimeout);
        Assert.Equal(TimeSpan.FromMinutes(2), settings.DrainTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.Http.HandshakeTimeout); // untouched default
        Assert.Equal(PerMessageDeflateSettings.Off, settings.WebSocket.PerMessageDeflate); // off unless enabled
    }

    [Fact]
    public void Permessage_deflate_is_enabled_with_its_minimum_size()
    {
        Assert.Equal(new PerMessageDeflateSettings(true, 256),
            Parse("actorwss.websocket.permessage-deflate.enabled = on").WebSocket.PerMessageDeflate);
        Assert.Equal(new PerMessageDeflateSettings(true, 4096),
            Parse("actorwss.websocket.permessage-deflate { enabled = on, min-message-size = 4KiB }").WebSocket.PerMessageDeflate);
        Assert.Contains("actorwss.websocket.permessage-deflate.enabled",
            Invalid("actorwss.websocket.permessage-deflate.enabled = sometimes").Message);
    }

    [Theory]
    [InlineData("off")]
    [InlineData("none")]
    [InlineData("infinite")]
    [InlineData("OFF")]
    public void An_idle_timeout_of_off_means_none(string value)
    {
        Assert.Null(Parse($"actorwss.websocket.idle-timeout = {value}").WebSocket.IdleTimeout);
    }

    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    public void An_idle_timeout_duration_is_read(string value, int expectedMilliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds),
            Parse($"actorwss.websocket.idle-timeout = {value}").WebSocket.IdleTimeout);
    }

    [Fact]
    public void A_keep_alive_interval_is_read()
    {
        Assert.Equal(TimeSpan.FromSeconds(20), Parse("actorwss.websocket.keep-alive-interval = 20s").WebSocket.KeepAliveInterval);
    }

    [Theory]
    [InlineData("on", true)]
    [InlineData("yes", true)]
    [InlineData("true", true)]
    [InlineData("off", false)]
    [InlineData("no", false)]
    [InlineData("false", false)]
    public void Enabled_accepts_the_usual_boolean_words(string value, bool enabled)
    {
        var hocon = $$"""
            actorwss.listeners {
              ws.enabled = {{value}}
              other { port = 9191 }
            }
            """;

        var names = Parse(hocon).Listeners.Select(l => l.Name).ToArray();

        Assert.Equal(enabled ? ["other", "ws"] : ["other"], names);
    }

    [Fact]
    public void Several_listeners_are_read_in_name_order()
    {
        var settings = Parse("""
            actorwss.listeners {
              zeta { enabled = on, host = "::", port = 9300, backlog = 16, max-connections = 7 }
              alpha { enabled = on, host = "127.0.0.1", port = 9200, backlog = 8, max-connections = 3 }
            }
            """);

        Assert.Equal(
            [("alpha", "127.0.0.1", 9200, 8, 3), ("ws", "127.0.0.1", 9090, 1024, 10_000), ("zeta", "::", 9300, 16, 7)],
            settings.Listeners.Select(Basics));
    }

    [Fact]
    public void Two_listeners_on_port_0_of_the_same_host_are_allowed()
    {
        var settings = Parse("""
            actorwss.listeners {
              ws.port = 0
              second { enabled = on, host = "127.0.0.1", port = 0, backlog = 8, max-connections = 3 }
            }
            """);

        Assert.Equal(2, settings.Listeners.Count);
    }

    // ---- Errors name the key, the value and what is allowed ----

    [Theory]
    [InlineData("actorwss.listeners.ws.port = 70000", "actorwss.listeners.ws.port", "70000", "0 to 65535")]
    [InlineData("actorwss.listeners.ws.port = -1", "actorwss.listeners.ws.port", "-1", "0 to 65535")]
    [InlineData("actorwss.listeners.ws.port = http", "actorwss.listeners.ws.port", "http", "integer")]
    [InlineData("actorwss.listeners.ws.backlog = 0", "actorwss.listeners.ws.backlog", "0", "1 to 65535")]
    [InlineData("actorwss.listeners.ws.max-connections = 0", "actorwss.listeners.ws.max-connections", "0", "1 to")]
    [InlineData("actorwss.listeners.ws.enabled = maybe", "actorwss.listeners.ws.enabled", "maybe", "on or off")]
    [InlineData("actorwss.listeners.ws.host = \"\"", "actorwss.listeners.ws.host", "''", "non-empty")]
    [InlineData("actorwss.websocket.close-timeout = banana", "actorwss.websocket.close-timeout", "banana", "duration")]
    [InlineData("actorwss.websocket.close-timeout = 0s", "actorwss.websocket.close-timeout", "0s", "positive duration")]
    [InlineData("actorwss.websocket.idle-timeout = soon", "actorwss.websocket.idle-timeout", "soon", "off, or a positive duration")]
    [InlineData("actorwss.websocket.keep-alive-interval = -5s", "actorwss.websocket.keep-alive-interval", "-5s", "off")]
    [InlineData("actorwss.websocket.max-message-size = 0", "actorwss.websocket.max-message-size", "0", "size from 1")]
    [InlineData("actorwss.websocket.max-message-size = lots", "actorwss.websocket.max-message-size", "lots", "size")]
    [InlineData("actorwss.http.max-header-size = 100", "actorwss.http.max-header-size", "100", "256 to 1048576")]
    [InlineData("actorwss.http.max-header-size = 2MiB", "actorwss.http.max-header-size", "2MiB", "256 to 1048576")]
    [InlineData("actorwss.http.handshake-timeout = never", "actorwss.http.handshake-timeout", "never", "duration")]
    [InlineData("actorwss.transport.kind = x", "actorwss.transport.kind", "x", "one of auto, event-loop, socket, akka-streams-tcp")]
    [InlineData("actorwss.transport.write-coalesce-bytes = 0", "actorwss.transport.write-coalesce-bytes", "0", "size")]
    [InlineData("actorwss.route-defaults.outbound.overflow = panic", "actorwss.routes.echo.outbound.overflow", "panic", "one of drop-oldest, drop-newest, close-1008, close-1013")]
    [InlineData("actorwss.routes.echo.outbound.queue-size = 0", "actorwss.routes.echo.outbound.queue-size", "0", "1 to 1000000")]
    [InlineData("actorwss.routes.echo.max-message-size = huge", "actorwss.routes.echo.max-message-size", "huge", "size")]
    [InlineData("actorwss.routes.echo.path = chat", "actorwss.routes.echo.path", "chat", "absolute path")]
    [InlineData("actorwss.routes.echo.path = \"/a*b\"", "actorwss.routes.echo.path", "/a*b", "absolute path")]
    [InlineData("actorwss.shutdown.drain-timeout = forever", "actorwss.shutdown.drain-timeout", "forever", "duration")]
    [InlineData("actorwss.process.malloc-arena-max = -1", "actorwss.process.malloc-arena-max", "-1", "0 to 1024")]
    public void An_invalid_value_fails_naming_the_key_the_value_and_what_is_allowed(
        string hocon, string key, string value, string allowed)
    {
        var error = Invalid(hocon);

        Assert.StartsWith(key + ":", error.Message);
        Assert.Contains(value.StartsWith('\'') ? value : $"'{value}'", error.Message);
        Assert.Contains(allowed, error.Message);
    }

    [Fact]
    public void A_section_given_where_a_value_belongs_fails_naming_the_key()
    {
        var error = Invalid("actorwss.listeners.ws.port { a = 1 }");

        Assert.StartsWith("actorwss.listeners.ws.port:", error.Message);
        Assert.Contains("a single value", error.Message);
    }

    [Fact]
    public void A_listener_takes_the_listener_defaults_for_the_keys_it_does_not_set()
    {
        var settings = Parse("actorwss.listeners.admin { port = 9091 }");

        Assert.Contains(("admin", "127.0.0.1", 9091, 1024, 10_000), settings.Listeners.Select(Basics));
    }

    [Fact]
    public void Changed_listener_defaults_apply_to_every_listener_that_does_not_set_the_key()
    {
        var settings = Parse("""
            actorwss.listener-defaults { host = "0.0.0.0", backlog = 16 }
            actorwss.listeners.admin { port = 9091, backlog = 32 }
            """);

        Assert.Equal(
            [("admin", "0.0.0.0", 9091, 32, 10_000), ("ws", "0.0.0.0", 9090, 16, 10_000)],
            settings.Listeners.Select(Basics));
    }

    [Fact]
    public void An_invalid_listener_default_fails_naming_the_listener_key()
    {
        var error = Invalid("actorwss.listener-defaults.backlog = 0");

        Assert.StartsWith("actorwss.listeners.ws.backlog:", error.Message);
        Assert.Contains("'0'", error.Message);
    }

    [Fact]
    public void Disabling_every_listener_fails_naming_the_listeners()
    {
        var error = Invalid("actorwss.listeners.ws.enabled = off");

        Assert.StartsWith("actorwss.listeners:", error.Message);
        Assert.Contains("no listener is enabled", error.Message);
    }

    [Fact]
    public void A_disabled_listener_is_not_validated()
    {
        var settings = Parse("""
            actorwss.listeners.broken { enabled = off, port = 99999 }
            """);

        Assert.Equal("ws", Assert.Single(settings.Listeners).Name);
    }

    [Fact]
    public void Two_listeners_on_the_same_address_fail_naming_both()
    {
        var error = Invalid("""
            actorwss.listeners.again { enabled = on, host = "127.0.0.1", port = 9090, backlog = 8, max-connections = 3 }
            """);

        Assert.StartsWith("actorwss.listeners:", error.Message);
        Assert.Contains("again", error.Message);
        Assert.Contains("ws", error.Message);
        Assert.Contains("127.0.0.1:9090", error.Message);
    }

    // ---- Unknown keys ----

    [Fact]
    public void A_misspelt_key_fails_naming_it_and_the_likely_key()
    {
        var error = Invalid("actorwss.websocket.max-mesage-size = 1MiB");

        Assert.StartsWith("actorwss.websocket.max-mesage-size: unknown key", error.Message);
        Assert.Contains("'max-message-size'", error.Message);
    }

    [Fact]
    public void A_misspelt_listener_key_fails_naming_it()
    {
        var error = Invalid("actorwss.listeners.ws.prot = 9091");

        Assert.StartsWith("actorwss.listeners.ws.prot: unknown key", error.Message);
        Assert.Contains("'port'", error.Message);
    }

    [Fact]
    public void A_listener_that_is_not_an_object_fails_naming_it()
    {
        var error = Invalid("actorwss.listeners.ws = 9091");

        Assert.StartsWith("actorwss.listeners.ws:", error.Message);
    }

    [Fact]
    public void Keys_outside_actorwss_are_left_to_their_owners()
    {
        Assert.Equal("echo", Assert.Single(Parse("akka.loglevel = DEBUG\nsomething-else.entirely = 1").Routes).Handler);
    }
}
