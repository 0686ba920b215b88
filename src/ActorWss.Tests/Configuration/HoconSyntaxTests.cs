using ActorWss.Configuration;

namespace ActorWss.Tests.Configuration;

/// <summary>
/// <see cref="HoconSyntax"/>: the structural check that runs before Akka.NET's lenient HOCON parser. It passes what
/// is well-formed and rejects, with source and line, what is certainly broken. Nothing here reaches the Akka parser.
/// </summary>
public class HoconSyntaxTests
{
    private static InvalidConfigurationException Rejected(string text) =>
        Assert.Throws<InvalidConfigurationException>(() => HoconSyntax.Validate(text, "test.conf"));

    [Fact]
    public void The_reference_config_passes()
    {
        using var stream = typeof(SettingsParser).Assembly.GetManifestResourceStream("ActorWss.reference.conf");
        using var reader = new StreamReader(Assert.IsAssignableFrom<Stream>(stream));

        HoconSyntax.Validate(reader.ReadToEnd(), "reference.conf");
    }

    [Theory]
    [InlineData("")]
    [InlineData("a = 1")]
    [InlineData("a.b.c = 1\n")]
    [InlineData("a: 1\n")]
    [InlineData("a { b = 1, c = \"x\" }\n")]
    [InlineData("a {\n  b {\n    c = 1\n  }\n}\n")]
    [InlineData("a = [1, 2]\n")]
    [InlineData("a = [\n  1\n  2\n]\n")]                      // list elements on their own lines
    [InlineData("a = [\n  \"x\",\n  \"y\"\n]\n")]
    [InlineData("a = 1 # } ] { [\n")]                         // brackets in comments do not count
    [InlineData("a = 1 // } ] { [\n")]
    [InlineData("# a comment line\n// another\n\na = 1\n")]
    [InlineData("a = \"{ [ } ] \\\\ # \"\n")]                // brackets, a backslash and # inside a string
    [InlineData("a = \"say \\\"hi\\\"\"\n")]                  // escaped quotes inside a string
    [InlineData("a = \"\"\"multi\nline { [\"\"\"\n")]          // a triple-quoted string across lines
    [InlineData("include \"other.conf\"\n")]
    [InlineData("a = 1\na = ${?MY_VAR}\n")]                   // a substitution's braces balance
    [InlineData("a = 1\r\nb { c = [1,\r\n 2] }\r\n")]          // CRLF line endings
    public void Well_formed_hocon_passes(string text)
    {
        HoconSyntax.Validate(text, "test.conf");
    }

    [Theory]
    [InlineData("a {\n  b = 1\n", 1, "'{' is never closed")]
    [InlineData("a = 1\nb = [1, 2\n", 2, "'[' is never closed")]
    [InlineData("a = [1, 2}\n", 1, "'}' without a matching '{'")]
    [InlineData("a { b = 1 ]\n", 1, "']' without a matching '['")]
    [InlineData("a = 1\n}\n", 2, "'}' without a matching '{'")]
    [InlineData("a = 1\nb = [x, \\]\n", 2, "backslash")]
    [InlineData("path = C:\\certs\\x.pem\n", 1, "backslash")]
    [InlineData("a = \"open\nb = 1\n", 1, "quoted string is not closed")]
    [InlineData("a = 1\nb = \"\"\"never closed\n", 2, "\"\"\" string is never closed")]
    [InlineData("x = 1\nthis is not hocon\n", 2, "'this is not hocon' is not a setting")]
    public void Broken_hocon_is_rejected_naming_the_source_and_line(string text, int line, string what)
    {
        var error = Rejected(text);

        Assert.StartsWith($"test.conf:{line}: ", error.Message);
        Assert.Contains(what, error.Message);
    }

    [Fact]
    public void A_line_after_a_multi_line_string_is_counted()
    {
        var error = Rejected("a = \"\"\"x\ny\"\"\"\nb = [1}\n");

        Assert.StartsWith("test.conf:3: ", error.Message);
    }

    [Theory]
    [InlineData("a\n{\n  b = 1\n}\n")]          // brace on the next line
    [InlineData("a # the section\n{ b = 1 }\n")] // ... after a comment
    [InlineData("a =\n  1\n")]                   // value on the next line
    [InlineData("a :\n  \"text\"\n")]
    public void Valid_hocon_laid_out_over_several_lines_is_accepted(string text) => HoconSyntax.Validate(text, "test.conf");

    [Fact]
    public void A_key_alone_whose_next_line_is_not_its_object_is_rejected_at_the_key()
    {
        var error = Rejected("a\nb = 1\n");

        Assert.StartsWith("test.conf:1: 'a' is not a setting", error.Message);
    }
}
