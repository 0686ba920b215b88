using System.Text.RegularExpressions;
using ActorWss.Connections;
using ActorWss.Samples.Chat;
using ActorWss.Tests.Support;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Xunit.Abstractions;

namespace ActorWss.Tests.Browser;

/// <summary>
/// A real browser (Debian's headless Chromium, driven by Selenium) loads the page from the wss:// listener and
/// echoes through it over wss://.
/// </summary>
public abstract partial class BrowserPageTests(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    private const string Chromium = "/usr/bin/chromium", ChromeDriver = "/usr/bin/chromedriver";
    private const string ChromeDriverFolder = "/usr/bin", ChromeDriverFile = "chromedriver";
    private static readonly TimeSpan BrowserTimeout = TimeSpan.FromSeconds(10);

    [GeneratedRegex(@"^\d+\.\d{2} ms$")]
    private static partial Regex Milliseconds();

    [SkippableFact]
    public async Task The_page_echoes_a_typed_message_with_its_round_trip_and_measures_a_burst()
    {
        var missing = await Prerequisites.EnsureAsync(
            () => Task.FromResult(File.Exists(Chromium) && File.Exists(ChromeDriver)), "chromium", "chromium-driver");
        Skip.If(missing is not null, missing);
        var server = await StartServerAsync();
        var page = new UriBuilder(UrlOf(server)) { Scheme = "https" }.Uri;

        using var driver = StartChromium();
        driver.Navigate().GoToUrl(page);
        Assert.True(driver.FindElements(By.Id("status")).Count == 1,
            $"GET {page} did not serve the page: {driver.FindElement(By.TagName("body")).Text}");
        var wait = new WebDriverWait(driver, BrowserTimeout) { Message = "the WebSocket did not open" };
        wait.Until(d => d.FindElement(By.Id("status")).Text == "open");

        driver.FindElement(By.Id("message")).SendKeys("hello from chromium ✓");
        driver.FindElement(By.Id("send")).Click();
        wait.Message = "no echo in #log";
        var echo = wait.Until(d => d.FindElements(By.CssSelector("#log li")).FirstOrDefault());
        Assert.Equal("hello from chromium ✓", echo.FindElement(By.CssSelector(".text")).Text);
        Assert.Matches(Milliseconds(), echo.FindElement(By.CssSelector(".rtt")).Text);

        driver.FindElement(By.Id("burst")).Click();
        wait.Message = "no mean round trip in #mean";
        var mean = wait.Until(d => d.FindElement(By.Id("mean")).Text is var text && text != "-" && text != "running" ? text : null);
        Assert.Matches(Milliseconds(), mean);
        Assert.Equal("open", driver.FindElement(By.Id("status")).Text);
    }

    [SkippableFact]
    public async Task Chromium_negotiates_permessage_deflate_and_echoes_through_it_both_ways()
    {
        var missing = await Prerequisites.EnsureAsync(
            () => Task.FromResult(File.Exists(Chromium) && File.Exists(ChromeDriver)), "chromium", "chromium-driver");
        Skip.If(missing is not null, missing);
        var server = await StartServerAsync("actorwss.websocket.permessage-deflate.enabled=on");
        var page = new UriBuilder(UrlOf(server)) { Scheme = "https" }.Uri;

        using var driver = StartChromium();
        driver.Navigate().GoToUrl(page);
        // The browser's own WebSocket: it offers permessage-deflate, compresses what it sends and inflates the echo.
        var result = (string?)((IJavaScriptExecutor)driver).ExecuteAsyncScript("""
            const done = arguments[arguments.length - 1];
            const text = '{"room":"lobby","text":"hello from chromium ✓"} '.repeat(2000);
            const ws = new WebSocket(arguments[0]);
            ws.onopen = () => ws.send(text);
            ws.onmessage = e => { done(ws.extensions + ' | ' + (e.data === text ? 'echo equal' : 'echo differs: ' + e.data.length)); ws.close(); };
            ws.onerror = () => done('error');
            """, UrlOf(server).ToString());

        Assert.Equal("permessage-deflate; server_no_context_takeover; client_no_context_takeover | echo equal", result);
    }

        [SkippableFact]
    public async Task Two_browser_tabs_chat_in_one_room_through_the_chat_view()
    {
        var missing = await Prerequisites.EnsureAsync(
            () => Task.FromResult(File.Exists(Chromium) && File.Exists(ChromeDriver)), "chromium", "chromium-driver");
        Skip.If(missing is not null, missing);
        var server = await StartServerAsync(ws => ws.AddChat());
        var page = new UriBuilder(UrlOf(server)) { Scheme = "https" }.Uri;

        using var driver = StartChromium();
        var wait = new WebDriverWait(driver, BrowserTimeout);
        string Join(string name)
        {
            driver.Navigate().GoToUrl(page);
            driver.FindElement(By.Id("chat-room")).Clear();
            driver.FindElement(By.Id("chat-room")).SendKeys("browsers");
            driver.FindElement(By.Id("chat-name")).SendKeys(name);
            driver.FindElement(By.Id("chat-join")).Click();
            wait.Message = name + " did not join";
            wait.Until(d => d.FindElement(By.Id("chat-status")).Text == "in browsers");
            return driver.CurrentWindowHandle;
        }
        var ann = Join("ann");
        driver.SwitchTo().NewWindow(WindowType.Tab);
        var bo = Join("bo");
        await AwaitAssertAsync(() => Assert.Equal(2, WebSocketHub.Get(Sys).SubscriberCount(ChatConnection.Topic("browsers"))), Timeout);

        driver.SwitchTo().Window(ann);
        driver.FindElement(By.Id("chat-message")).SendKeys("hello from ann ✓");
        driver.FindElement(By.Id("chat-send")).Click();

        driver.SwitchTo().Window(bo);
        wait.Message = "bo did not see ann's line";
        var line = wait.Until(d => d.FindElements(By.CssSelector("#chat-log li:not(.notice)")).FirstOrDefault());
        Assert.Equal("ann: hello from ann ✓", line.Text);
    }

    [Fact]
    public async Task The_chat_view_points_at_the_chat_route_where_there_is_one()
    {
        var server = await StartServerAsync(ws => ws.AddChat());
        using var http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        });

        var page = await http.GetStringAsync(new UriBuilder(UrlOf(server)) { Scheme = "https" }.Uri);

        Assert.Contains("<body data-chat=\"/chat\">", page);
    }

    [Fact]
    public async Task The_page_is_html_that_may_run_only_its_own_inline_code_and_open_only_websockets()
    {
        var server = await StartServerAsync();
        using var http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true }, // the test's own dev certificate
        });
        using var response = await http.GetAsync(new UriBuilder(UrlOf(server)) { Scheme = "https" }.Uri);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.True(response.Headers.CacheControl?.NoStore);
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy);
        Assert.Contains("connect-src ws: wss:", policy);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("id=\"status\"", page);
        Assert.Contains("<body data-chat=\"\">", page); // no chat route here: no chat view
    }

    /// <summary>Debian's Chromium and chromedriver, named explicitly so that Selenium downloads nothing.</summary>
    private static ChromeDriver StartChromium()
    {
        var service = ChromeDriverService.CreateDefaultService(ChromeDriverFolder, ChromeDriverFile);
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = Chromium, AcceptInsecureCertificates = true };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--ignore-certificate-errors",
            // keep the browser on loopback: without this it tries to resolve update and account hosts
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1");
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }
}

public sealed class BrowserPageOverWssInline(ITestOutputHelper output) : BrowserPageTests(output, ServerMode.WssInline);

public sealed class BrowserPageOverWssOffload(ITestOutputHelper output) : BrowserPageTests(output, ServerMode.WssOffload);
