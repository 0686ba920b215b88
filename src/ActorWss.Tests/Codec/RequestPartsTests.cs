using ActorWss.Http;

namespace ActorWss.Tests.Codec;

/// <summary>The parts of an opening handshake the application reads: query parameters and cookies.</summary>
public sealed class RequestPartsTests
{
    [Theory]
    [InlineData("room=a&name=b", "room", "a")]
    [InlineData("room=a%20b&name=b", "room", "a b")]
    [InlineData("room=a+b", "room", "a b")]
    [InlineData("room=%C3%A9t%C3%A9", "room", "été")]
    [InlineData("room=a%26b%3Dc", "room", "a&b=c")]
    [InlineData("room=first&room=second", "room", "first")]
    [InlineData("flag&room=x", "flag", "")]
    [InlineData("room=%zz", "room", "%zz")]
    [InlineData("=nameless&room=x", "room", "x")]
    public void Query_parameters_are_percent_decoded_and_the_first_value_wins(string query, string name, string expected)
    {
        Assert.Equal(expected, QueryParameters.Parse(query)[name]);
    }

    [Fact]
    public void An_absent_parameter_is_not_there()
    {
        Assert.False(QueryParameters.Parse("a=1").ContainsKey("b"));
        Assert.Empty(QueryParameters.Parse(""));
    }

    [Fact]
    public void Cookies_come_from_every_cookie_header_first_value_winning_quotes_removed()
    {
        var request = new HttpRequest("GET", "/", "HTTP/1.1", [
            new("Cookie", "session=abc; theme=\"dark\""),
            new("cookie", "session=other; lang=en"),
            new("Cookie", "broken; =empty-name; x=1"),
        ]);

        var cookies = CookieHeader.Parse(request);

        Assert.Equal("abc", cookies["session"]);
        Assert.Equal("dark", cookies["theme"]);
        Assert.Equal("en", cookies["lang"]);
        Assert.Equal("1", cookies["x"]);
        Assert.Equal(4, cookies.Count);
    }
}
