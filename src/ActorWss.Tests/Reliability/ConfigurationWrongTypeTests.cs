using ActorWss.Configuration;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorWss.Tests.Reliability;

/// <summary>
/// Configuration of every wrong type, generated from the reference configuration itself: every section given a
/// value or a list, every list given a value or a section, every value given a section or a list, and every typed
/// value given a word it cannot mean. Each fails the start with an <see cref="InvalidConfigurationException"/> that
/// names the key; none is ignored, read as a default, or crashes the parser.
/// </summary>
public sealed class ConfigurationWrongTypeTests
{
    /// <summary>Both predefined listeners on, so that TLS keys are read as well, and one that takes every listener default.</summary>
    private const string Base = "actorwss.listeners.wss.enabled = on\nactorwss.listeners.defaults-only { }\n";

    /// <summary>
    /// Values any string is valid for as far as the configuration can tell (a host name, a file path, a password, a
    /// token claim; a handler or authenticator name, resolved against what the application registered when it starts).
    /// </summary>
    private static readonly HashSet<string> FreeText =
    [
        "actorwss.listener-defaults.host",
        "actorwss.tls.certificate.path",
        "actorwss.tls.certificate.key-path",
        "actorwss.tls.certificate.password",
        "actorwss.tls.client-ca",
        "actorwss.route-defaults.path",
        "actorwss.route-defaults.handler",
        "actorwss.route-defaults.auth",
        "actorwss.routes.echo.handler",
        "actorwss.auth.jwt.secret",
        "actorwss.auth.jwt.issuer",
        "actorwss.auth.jwt.audience",
        "actorwss.auth.jwt.name-claim",
        "actorwss.auth.jwt.query-parameter",
        "actorwss.auth.jwt.subprotocol-prefix",
        "actorwss.cluster.host",
        "actorwss.cluster.public-host",
    ];

    /// <summary>Values that may be on/off or a section of overrides.</summary>
    private static readonly HashSet<string> ValueOrSection = ["actorwss.listener-defaults.tls", "actorwss.listeners.wss.tls"];

    /// <summary>Values that may be a list or a single value (a comma-separated string, or inherit): only a section is wrong.</summary>
    private static readonly HashSet<string> ValueOrList = ["actorwss.cluster.seed-nodes", "actorwss.cluster.roles", "actorwss.route-defaults.subprotocols"];

    private static IEnumerable<(string Path, HoconShape Shape)> Keys(HoconValue value, string path)
    {
        var shape = HoconShapes.ShapeOf(value);
        yield return (path, shape);
        if (shape != HoconShape.Section) yield break;
        if (path is "actorwss.tls.offload-dispatcher" or "actorwss.transport.event-loop-dispatcher") yield break; // inside: Akka.NET's to check
        foreach (var (key, child) in value.GetObject().Items)
            foreach (var found in Keys(child, path + "." + key)) yield return found;
    }

    public static TheoryData<string, string> WrongTypes()
    {
        var data = new TheoryData<string, string>();
        foreach (var (path, shape) in Keys(SettingsParser.Reference.GetValue("actorwss"), "actorwss"))
        {
            string[] wrong = shape switch
            {
                HoconShape.Section => ["5", "[1, 2]", "\"text\""],
                HoconShape.List when ValueOrList.Contains(path) => ["{ a = 1 }"],
                HoconShape.List => ["\"https://good.example\"", "5", "{ a = 1 }"],
                _ when ValueOrSection.Contains(path) => ["[1]", "[]"],
                _ when ValueOrList.Contains(path) => ["{ a = 1 }"],
                _ when FreeText.Contains(path) => ["{ a = 1 }", "[1]"],
                _ => ["{ a = 1 }", "[1]", "\"no-such-value\""],
            };
            foreach (var value in wrong) data.Add(path, value);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public void A_value_of_the_wrong_type_fails_naming_its_key(string path, string value)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() =>
            SettingsParser.Parse(ConfigurationFactory.ParseString($"{Base}{path} = {value}")));

        Assert.True(NamesKey(error.Message, path), $"'{path} = {value}' failed without naming the key: {error.Message}");
    }

    /// <summary>The key itself; a listener or route default may be named as the listener or route key that took it.</summary>
    private static bool NamesKey(string message, string path)
    {
        if (message.StartsWith(path + ":", StringComparison.Ordinal)) return true;
        foreach (var (defaults, entries) in new[] { ("actorwss.listener-defaults.", "actorwss.listeners."), ("actorwss.route-defaults.", "actorwss.routes.") })
        {
            if (!path.StartsWith(defaults, StringComparison.Ordinal)) continue;
            var rest = path[defaults.Length..];
            return message.StartsWith(entries, StringComparison.Ordinal) && message.Split(':')[0].EndsWith("." + rest, StringComparison.Ordinal);
        }
        return false;
    }

    [Fact]
    public void Allowed_origins_given_as_a_string_fails_instead_of_allowing_every_origin()
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => SettingsParser.Parse(
            ConfigLoader.ParseOverrides(["actorwss.http.allowed-origins=https://good.example"])));

        Assert.StartsWith("actorwss.http.allowed-origins:", error.Message);
        Assert.Contains("list", error.Message);
    }

    [Theory]
    [InlineData("actorwss.http=5", "actorwss.http")]
    [InlineData("actorwss.listeners=[1,2]", "actorwss.listeners")]
    [InlineData("actorwss.tls=[1]", "actorwss.tls")]
    [InlineData("actorwss=5", "actorwss")]
    [InlineData("actorwss.listeners.wss.tls=[1]", "actorwss.listeners.wss.tls")]
    public void A_section_set_on_the_command_line_to_a_value_or_list_fails_naming_it(string item, string key)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => SettingsParser.Parse(ConfigLoader.ParseOverrides(
            ["actorwss.listeners.wss.enabled=on", item])));

        Assert.StartsWith(key + ":", error.Message);
    }

    [Theory]
    [InlineData("25d")]
    [InlineData("24855d")]
    [InlineData("61m")]
    public void A_drain_timeout_over_an_hour_fails_naming_the_key(string value)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() =>
            SettingsParser.Parse(ConfigurationFactory.ParseString($"actorwss.shutdown.drain-timeout = {value}")));

        Assert.StartsWith("actorwss.shutdown.drain-timeout:", error.Message);
        Assert.Contains("1h", error.Message);
    }

    [Fact]
    public void A_drain_timeout_of_an_hour_is_accepted()
    {
        var settings = SettingsParser.Parse(ConfigurationFactory.ParseString("actorwss.shutdown.drain-timeout = 1h"));

        Assert.Equal(TimeSpan.FromHours(1), settings.DrainTimeout);
    }

    /// <summary>Akka.NET's scheduler takes at most int.MaxValue milliseconds (about 24.8 days): any longer timer would throw when armed.</summary>
    [Theory]
    [InlineData("actorwss.http.handshake-timeout")]
    [InlineData("actorwss.http.linger-timeout")]
    [InlineData("actorwss.websocket.close-timeout")]
    [InlineData("actorwss.websocket.idle-timeout")]
    [InlineData("actorwss.websocket.keep-alive-interval")]
    [InlineData("actorwss.tls.handshake-timeout")]
    public void A_duration_too_long_for_a_timer_fails_naming_the_key(string key)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => SettingsParser.Parse(
            ConfigurationFactory.ParseString($"{Base}{key} = 25d")));

        Assert.StartsWith(key + ":", error.Message);
    }
}
