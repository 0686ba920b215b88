using ActorWss.Configuration;
using ActorWss.Tests.Support;
using ActorWss.Tls;
using ActorWss.WebSocket;

namespace ActorWss.Tests.Reliability;

/// <summary>
/// The server binary at start: a configuration it cannot serve is one line naming the key and exit code 2 (what a
/// restart cannot fix), and the README's order (`dotnet run` first, then the container, which runs as uid 10001 and
/// cannot read the key `dotnet run` wrote) serves wss:// instead of failing.
/// </summary>
public sealed class StartupScenarios : IDisposable
{
    private const int ContainerUid = 10001;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _folder = Directory.CreateTempSubdirectory("actorwss-startup-").FullName;
    private readonly CertificateSettings _files;

    public StartupScenarios()
    {
        File.SetUnixFileMode(_folder, (UnixFileMode)0b111_101_101); // 0755: another user may look inside
        _files = new CertificateSettings(Path.Combine(_folder, "dev-cert.pem"), Path.Combine(_folder, "dev-key.pem"), null);
        DevCertificate.EnsureFiles(_files); // as `dotnet run` does: the key readable by its owner (root) only
        File.WriteAllText(Path.Combine(_folder, "garbage.pem"), "garbage\n");
    }

    private string[] Arguments(bool devCertificate, params string[] settings) =>
    [
        "--config", "config/actorwss.conf",
        "--set", "actorwss.listeners.ws.port=0", "--set", "actorwss.listeners.wss.port=0",
        "--set", $"actorwss.tls.dev-certificate={(devCertificate ? "on" : "off")}",
        "--set", $"actorwss.tls.certificate.path={_files.Path}", "--set", $"actorwss.tls.certificate.key-path={_files.KeyPath}",
        .. settings.SelectMany(s => new[] { "--set", s.Replace("{folder}", _folder, StringComparison.Ordinal) }),
    ];

    private static string[] Lines(ServerProcess server) =>
        server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Theory]
    [InlineData("actorwss.http=5", "actorwss.http")]
    [InlineData("actorwss.listeners=[1,2]", "actorwss.listeners")]
    [InlineData("actorwss.tls=[1]", "actorwss.tls")]
    [InlineData("actorwss.http.allowed-origins=https://good.example", "actorwss.http.allowed-origins")]
    [InlineData("actorwss.shutdown.drain-timeout=25d", "actorwss.shutdown.drain-timeout")]
    [InlineData("actorwss.tls.certificate.path={folder}/garbage.pem", "actorwss.tls.certificate.path")]
    [InlineData("actorwss.tls.certificate.path={folder}/absent.pem", "actorwss.tls.certificate.path")]
    [InlineData("actorwss.tls.certificate.key-path={folder}/absent-key.pem", "actorwss.tls.certificate.key-path")]
    public async Task A_configuration_the_server_cannot_serve_exits_2_with_one_line_naming_the_key(string setting, string key)
    {
        await using var server = ServerProcess.Start(Arguments(devCertificate: false, setting));

        Assert.Equal(2, await server.WaitForExitAsync(Timeout));
        var line = Assert.Single(Lines(server));
        Assert.StartsWith($"actorwss: invalid configuration: {key}:", line);
    }

    [Fact]
    public async Task A_development_key_only_its_owner_may_read_is_replaced_by_one_in_memory_for_another_user()
    {
        await using var server = ServerProcess.StartAs(ContainerUid, Arguments(devCertificate: true, "actorwss.listeners.ws.enabled=off"));
        var url = await server.ListeningAsync(Timeout);

        Assert.Equal("wss", url.Scheme);
        await using (var client = await RawWebSocketClient.OpenAsync(url))
        {
            await client.SendTextAsync("served");
            Assert.Equal(Opcode.Text, (await client.ReadFrameAsync()).Opcode);
        }
        Assert.Single(Lines(server), line => line.Contains("is not readable by this process (uid 10001", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_key_the_server_may_not_read_without_dev_certificate_exits_2_naming_key_path()
    {
        await using var server = ServerProcess.StartAs(ContainerUid, Arguments(devCertificate: false));

        Assert.Equal(2, await server.WaitForExitAsync(Timeout));
        var line = Assert.Single(Lines(server));
        Assert.StartsWith("actorwss: invalid configuration: actorwss.tls.certificate.key-path:", line);
        Assert.Contains("permission denied", line);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
