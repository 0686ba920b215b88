using ActorWss.Configuration;
using Akka.Configuration;

namespace ActorWss.Tests.Configuration;

/// <summary>
/// <see cref="ConfigLoader"/>: <c>--set key=value</c> overrides, <c>key = ${?VAR}</c> environment lines, and loading a
/// config file with both. The environment is a dictionary lookup here, never the process's variables.
/// </summary>
public sealed class ConfigLoaderTests : IDisposable
{
    private readonly List<string> _tempFiles = [];

    public void Dispose()
    {
        foreach (var file in _tempFiles) File.Delete(file);
    }

    private string TempConfig(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"actorwss-test-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, text);
        _tempFiles.Add(path);
        return path;
    }

    private static Func<string, string?> Variables(params (string Name, string Value)[] variables)
    {
        var values = variables.ToDictionary(v => v.Name, v => v.Value);
        return name => values.TryGetValue(name, out var value) ? value : null;
    }

    private static readonly Func<string, string?> NoEnvironment = _ => null;

    // ---- ParseOverrides ----

    [Fact]
    public void An_override_sets_the_string_at_its_path()
    {
        var config = ConfigLoader.ParseOverrides(["a.b=c"]);

        Assert.Equal("c", config.GetString("a.b"));
    }

    [Fact]
    public void Whitespace_around_key_and_value_is_trimmed()
    {
        var config = ConfigLoader.ParseOverrides(["  a.b  =  c  "]);

        Assert.Equal("c", config.GetString("a.b"));
    }

    [Theory]
    [InlineData("hello world")]
    [InlineData("a = b")]                  // a second '=' belongs to the value
    [InlineData("say \"hi\"")]
    [InlineData("back\\slash")]
    [InlineData("${HOME}")]                // not a substitution: taken literally
    [InlineData("# not a comment")]
    [InlineData("")]
    [InlineData("x+y")]                    // characters a JSON encoder likes to escape
    [InlineData("<tag> & 'quote'")]
    [InlineData("κόσμε")]
    public void A_value_is_taken_literally(string value)
    {
        var config = ConfigLoader.ParseOverrides([$"a.b={value}"]);

        Assert.Equal(value, config.GetString("a.b"));
    }

    [Fact]
    public void A_list_value_passes_through_as_a_list()
    {
        var config = ConfigLoader.ParseOverrides(["a.l=[x, y]"]);

        Assert.Equal(["x", "y"], config.GetStringList("a.l"));
    }

    [Fact]
    public void An_object_value_passes_through_as_an_object()
    {
        var config = ConfigLoader.ParseOverrides(["a.o={ x = 1, y = two }"]);

        Assert.Equal(1, config.GetInt("a.o.x"));
        Assert.Equal("two", config.GetString("a.o.y"));
    }

    [Fact]
    public void Several_overrides_combine_and_a_later_one_wins()
    {
        var config = ConfigLoader.ParseOverrides(["a.b=1", "a.c=2", "a.b=3"]);

        Assert.Equal("3", config.GetString("a.b"));
        Assert.Equal("2", config.GetString("a.c"));
    }

    [Fact]
    public void Overrides_reach_the_settings()
    {
        var settings = SettingsParser.Parse(ConfigLoader.ParseOverrides(
            ["actorwss.listeners.ws.port=9191", "actorwss.websocket.subprotocols=[chat]", "actorwss.websocket.idle-timeout=30s"]));

        Assert.Equal(9191, Assert.Single(settings.Listeners).Port);
        Assert.Equal(["chat"], settings.WebSocket.Subprotocols);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.WebSocket.IdleTimeout);
    }

    [Theory]
    [InlineData("a.b")]          // no '='
    [InlineData("=c")]           // no key
    [InlineData("a..b=c")]
    [InlineData(".a=c")]
    [InlineData("a.=c")]
    [InlineData("a b=c")]
    [InlineData("a$b=c")]
    [InlineData("a.l=[\"x\\q\"]")] // a list that is not valid HOCON (unknown escape)
    [InlineData("a.o={ x = \\ }")]  // an object that is not valid HOCON
    public void A_bad_override_fails_naming_the_set_option(string item)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => ConfigLoader.ParseOverrides([item]));

        Assert.StartsWith("--set", error.Message);
    }

    // Akka.NET's HOCON parser never returns on these (it spins, allocating until the process dies); they must be
    // rejected before they reach it.
    [Theory]
    [InlineData("a.l=[x, y}")]
    [InlineData("a.l=[\\]")]
    public void A_list_override_that_would_hang_the_hocon_parser_fails_naming_the_set_option(string item)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => ConfigLoader.ParseOverrides([item]));

        Assert.StartsWith("--set", error.Message);
    }

    [Fact]
    public void No_overrides_give_an_empty_config()
    {
        var config = ConfigLoader.ParseOverrides([]);

        Assert.False(config.HasPath("actorwss"));
    }

    // ---- ApplyEnvironment ----

    private const string PortFromEnvironment = """
        actorwss {
          listeners.ws {
            port = 9090
            port = ${?MY_VAR}
          }
        }
        """;

    [Fact]
    public void A_set_variable_replaces_the_value()
    {
        var text = ConfigLoader.ApplyEnvironment(PortFromEnvironment, Variables(("MY_VAR", "9191")));

        Assert.Equal(9191, ConfigurationFactory.ParseString(text).GetInt("actorwss.listeners.ws.port"));
    }

    [Fact]
    public void An_unset_variable_keeps_the_earlier_value()
    {
        var text = ConfigLoader.ApplyEnvironment(PortFromEnvironment, NoEnvironment);

        Assert.Equal(9090, ConfigurationFactory.ParseString(text).GetInt("actorwss.listeners.ws.port"));
    }

    [Fact]
    public void Only_the_named_variable_is_asked_for()
    {
        var asked = new List<string>();

        ConfigLoader.ApplyEnvironment(PortFromEnvironment, name =>
        {
            asked.Add(name);
            return null;
        });

        Assert.Equal(["MY_VAR"], asked);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("with spaces")]
    [InlineData("quote\" and \\ backslash")]
    [InlineData("${OTHER}")]
    [InlineData("a # b")]
    [InlineData("κόσμε+<&>")]
    public void A_variable_value_is_taken_literally(string value)
    {
        var hocon = "actorwss.listeners.ws {\n  host = \"127.0.0.1\"\n  host = ${?WS_HOST}\n}";

        var text = ConfigLoader.ApplyEnvironment(hocon, Variables(("WS_HOST", value)));

        Assert.Equal(value, ConfigurationFactory.ParseString(text).GetString("actorwss.listeners.ws.host"));
    }

    [Theory]
    [InlineData("port = ${?MY_VAR}")]
    [InlineData("port: ${?MY_VAR}")]
    [InlineData("  port=${?MY_VAR}   ")]
    [InlineData("port = ${?MY_VAR} # from the environment")]
    [InlineData("port = ${?MY_VAR} // from the environment")]
    [InlineData("port = ${?MY_VAR}\r")]
    public void Each_form_of_an_environment_line_is_recognised(string line)
    {
        var hocon = "a {\n  port = 1\n" + line + "\n}";

        var set = ConfigurationFactory.ParseString(ConfigLoader.ApplyEnvironment(hocon, Variables(("MY_VAR", "2"))));
        var unset = ConfigurationFactory.ParseString(ConfigLoader.ApplyEnvironment(hocon, NoEnvironment));

        Assert.Equal(2, set.GetInt("a.port"));
        Assert.Equal(1, unset.GetInt("a.port"));
    }

    [Fact]
    public void A_dotted_key_at_the_top_level_is_replaced_too()
    {
        var hocon = "actorwss.handler = echo\nactorwss.handler = ${?HANDLER}";

        var text = ConfigLoader.ApplyEnvironment(hocon, Variables(("HANDLER", "custom")));

        Assert.Equal("custom", ConfigurationFactory.ParseString(text).GetString("actorwss.handler"));
    }

    [Theory]
    [InlineData("a = 1\nb = two\n")]
    [InlineData("a = 1\nb = two")]
    [InlineData("a = 1\r\nb = \"${x}\"\r\n")]
    [InlineData("")]
    public void Text_without_environment_lines_is_left_as_it_is(string hocon)
    {
        Assert.Equal(hocon, ConfigLoader.ApplyEnvironment(hocon, _ => throw new InvalidOperationException("not asked")));
    }

    // ---- Load ----

    [Fact]
    public void Load_reads_the_file_with_its_environment_lines_and_puts_overrides_on_top()
    {
        var path = TempConfig("""
            actorwss {
              listeners.ws.port = 9191
              listeners.ws.host = "0.0.0.0"
              listeners.ws.host = ${?WS_HOST}
              websocket.close-timeout = 3s
            }
            """);

        var config = ConfigLoader.Load(path, ["actorwss.listeners.ws.port=9292"], Variables(("WS_HOST", "::")));
        var settings = SettingsParser.Parse(config);

        var listener = Assert.Single(settings.Listeners);
        Assert.Equal(9292, listener.Port);      // the override
        Assert.Equal("::", listener.Host);      // the environment
        Assert.Equal(TimeSpan.FromSeconds(3), settings.WebSocket.CloseTimeout); // the file
        Assert.Equal(1024, listener.Backlog);   // the reference default
    }

    [Fact]
    public void Load_without_overrides_gives_the_file()
    {
        var path = TempConfig("actorwss.listeners.ws.port = 9393\n");

        var config = ConfigLoader.Load(path, [], NoEnvironment);

        Assert.Equal(9393, config.GetInt("actorwss.listeners.ws.port"));
    }

    [Fact]
    public void Load_of_a_missing_file_fails_naming_the_config_option()
    {
        var path = Path.Combine(Path.GetTempPath(), $"actorwss-missing-{Guid.NewGuid():N}.conf");

        var error = Assert.Throws<InvalidConfigurationException>(() => ConfigLoader.Load(path, [], NoEnvironment));

        Assert.StartsWith("--config", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Theory]
    [InlineData("actorwss {\n  port = 1\n}\n\\ oops\n", 4)]
    [InlineData("actorwss {\n  websocket.subprotocols = [a, b}\n}\n", 2)]
    [InlineData("actorwss {\n  handler = \"echo\n}\n", 2)]
    public void Load_of_a_file_that_is_not_hocon_fails_naming_the_file_and_line(string text, int line)
    {
        var path = TempConfig(text);

        var error = Assert.Throws<InvalidConfigurationException>(() => ConfigLoader.Load(path, [], NoEnvironment));

        Assert.StartsWith($"{path}:{line}:", error.Message);
    }

    [Fact]
    public void Load_with_a_bad_override_fails_naming_the_set_option()
    {
        var path = TempConfig("actorwss.listeners.ws.port = 9393\n");

        var error = Assert.Throws<InvalidConfigurationException>(() => ConfigLoader.Load(path, ["oops"], NoEnvironment));

        Assert.StartsWith("--set", error.Message);
    }
}
