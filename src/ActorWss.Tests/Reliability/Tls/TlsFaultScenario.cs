using ActorWss.Server;
using ActorWss.Tests.Support;
using Xunit.Abstractions;

namespace ActorWss.Tests.Reliability.Tls;

/// <summary>Where TLS record work runs in a fault scenario: every scenario runs in each.</summary>
public enum TlsFaultMode
{
    Inline,
    Offload,
    Adaptive,
}

/// <summary>
/// A real wss:// server on loopback, in one <see cref="TlsFaultMode"/>. What every fault scenario ends with: the
/// server's connection count back to zero.
/// </summary>
public abstract class TlsFaultScenario(ITestOutputHelper output, TlsFaultMode mode)
    : ServerScenario(output, mode == TlsFaultMode.Offload ? ServerMode.WssOffload : ServerMode.WssInline)
{
    protected TlsFaultMode TlsMode => mode;

    /// <summary>A wss:// server in this scenario's mode, with <paramref name="overrides"/>.</summary>
    private protected Task<ActorWssServer> StartTlsServerAsync(params string[] overrides) =>
        StartServerAsync([.. mode == TlsFaultMode.Adaptive ? ["actorwss.tls.mode=adaptive"] : Array.Empty<string>(), .. overrides]);

    /// <summary>Every connection ended: no actor, TLS session or socket is left on the server.</summary>
    private protected async Task AssertAllConnectionsEndAsync(ActorWssServer server, TimeSpan? within = null)
    {
        await AwaitAssertAsync(async () =>
        {
            Assert.Equal(0, await server.ConnectionCountAsync());
            Assert.Equal(0, server.Metrics[Listener].ConnectionsOpen);
        }, within ?? Timeout, TimeSpan.FromMilliseconds(100));
    }
}
